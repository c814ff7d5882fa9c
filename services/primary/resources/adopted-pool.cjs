// Adopt mode's params, checked when the stack is packaged, before anything is deployed: the pool id must be a pool of
// the primary region, and each declared trigger of the pool's own a Lambda function ARN of that region. `poolMode`
// answers 'adopt' (protect primaryUserPoolId) or 'create' (the stack's own pool); the template's conditions read it.
'use strict';

const SLOTS = [
  'PreSignUp',
  'CustomMessage',
  'PreAuthentication',
  'UserMigration',
  'PostAuthentication',
  'PostConfirmation',
];
const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

class AdoptedPoolParamError extends Error {
  constructor(param, rule) {
    super(`param ${param}: ${rule}`);
    this.name = 'AdoptedPoolParamError';
  }
}

const optional = async (resolveVariable, name) => {
  const value = await resolveVariable(`param:${name}, null`);
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string' && typeof value !== 'boolean')
    throw new AdoptedPoolParamError(name, 'must be a string');
  return String(value).trim();
};

async function poolMode({ resolveVariable }) {
  const poolId = await optional(resolveVariable, 'primaryUserPoolId');
  const region = await resolveVariable('param:primaryRegion');
  const declared = {};
  for (const slot of SLOTS) declared[slot] = await optional(resolveVariable, `adopted${slot}`);
  const install = await optional(resolveVariable, 'installTriggers');
  if (!['', 'true', 'false'].includes(install)) {
    throw new AdoptedPoolParamError('installTriggers', `must be true or false (got "${install}")`);
  }
  if (!poolId) {
    const given = SLOTS.find((slot) => declared[slot]);
    if (given) {
      throw new AdoptedPoolParamError(
        `adopted${given}`,
        "names a trigger of an adopted pool's own: set primaryUserPoolId too, or clear it",
      );
    }
    return 'create';
  }
  const match = POOL_ID.exec(poolId);
  if (!match) {
    throw new AdoptedPoolParamError(
      'primaryUserPoolId',
      `"${poolId}" is not a user pool id (<region>_<id>, as the Cognito console shows it)`,
    );
  }
  if (match[1] !== region) {
    throw new AdoptedPoolParamError(
      'primaryUserPoolId',
      `${poolId} is a pool of ${match[1]}, but primaryRegion is ${region}: set primaryRegion to ${match[1]}`,
    );
  }
  for (const slot of SLOTS) {
    const arn = declared[slot];
    if (!arn) continue;
    const arnMatch = FUNCTION_ARN.exec(arn);
    if (!arnMatch) {
      throw new AdoptedPoolParamError(`adopted${slot}`, `"${arn}" is not a Lambda function ARN`);
    }
    if (arnMatch[1] !== region) {
      throw new AdoptedPoolParamError(
        `adopted${slot}`,
        `${arn} is a function of ${arnMatch[1]}; a pool's triggers are functions of its own region, ${region}`,
      );
    }
  }
  return 'adopt';
}

module.exports = { poolMode, SLOTS };
