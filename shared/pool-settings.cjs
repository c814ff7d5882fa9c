// Both pools' feature plan and email sender, built from the service's params for serverless.yml's ${file()}
// resolver; a bad value stops the package with the param's name and rule instead of failing the deploy later.
'use strict';

const { productionChecks } = require('./production-checks.cjs');

/** AWS::Cognito::UserPool UserPoolTier values; what each unlocks is in docs/deploy.md. */
const USER_POOL_TIERS = ['LITE', 'ESSENTIALS', 'PLUS'];
const SES_IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/\S+$/;
const CONFIGURATION_SET = /^[a-zA-Z0-9_-]{1,64}$/;

class PoolSettingsError extends Error {
  constructor(param, rule) {
    super(`param ${param}: ${rule}`);
    this.name = 'PoolSettingsError';
  }
}

/** An optional string param, '' when the service does not set it. */
const optional = async (resolveVariable, name) => {
  const value = await resolveVariable(`param:${name}, null`);
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') throw new PoolSettingsError(name, 'must be a string');
  return value.trim();
};

async function userPoolTier({ resolveVariable }) {
  const tier = await optional(resolveVariable, 'userPoolTier');
  if (!USER_POOL_TIERS.includes(tier)) {
    throw new PoolSettingsError(
      'userPoolTier',
      `must be one of ${USER_POOL_TIERS.join(', ')} (got "${tier}")`,
    );
  }
  return tier;
}

/**
 * Cognito's own sender unless sesSourceArn is set; then the pool sends through that SES identity (DEVELOPER),
 * optionally as emailFrom and through sesConfigurationSet. With productionChecks, Cognito's sender only when
 * sesSourceArn says `none`.
 */
async function emailConfiguration({ resolveVariable }) {
  const sourceArn = await optional(resolveVariable, 'sesSourceArn');
  const from = await optional(resolveVariable, 'emailFrom');
  const configurationSet = await optional(resolveVariable, 'sesConfigurationSet');
  if (sourceArn === '' && (await productionChecks(resolveVariable))) {
    throw new PoolSettingsError(
      'sesSourceArn',
      "this stage sends real users' email: set the ARN of a verified SES identity of the pool's region " +
        "(Cognito's own sender allows about 50 emails a day, and a failover mails every user), or `none` to " +
        "keep Cognito's sender",
    );
  }
  if (!sourceArn || sourceArn === 'none') {
    for (const [param, value] of [
      ['emailFrom', from],
      ['sesConfigurationSet', configurationSet],
    ]) {
      if (value)
        throw new PoolSettingsError(param, "needs sesSourceArn (Cognito's default sender takes neither)");
    }
    return { EmailSendingAccount: 'COGNITO_DEFAULT' };
  }
  if (!SES_IDENTITY_ARN.test(sourceArn)) {
    throw new PoolSettingsError(
      'sesSourceArn',
      'must be the ARN of a verified SES identity, arn:aws:ses:<region>:<account>:identity/<address or domain>',
    );
  }
  if (from && !from.includes('@')) {
    throw new PoolSettingsError(
      'emailFrom',
      'must be an address, or a name and address: "Example <no-reply@example.com>"',
    );
  }
  if (configurationSet && !CONFIGURATION_SET.test(configurationSet)) {
    throw new PoolSettingsError('sesConfigurationSet', 'must be 1 to 64 letters, digits, "_" or "-"');
  }
  return {
    EmailSendingAccount: 'DEVELOPER',
    SourceArn: sourceArn,
    ...(from ? { From: from } : {}),
    ...(configurationSet ? { ConfigurationSet: configurationSet } : {}),
  };
}

module.exports = { userPoolTier, emailConfiguration };
