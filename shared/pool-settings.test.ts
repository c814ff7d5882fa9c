// The pools' tier and email sender as serverless.yml's ${file()} resolver builds them from params.

const { userPoolTier, emailConfiguration } = require('./pool-settings.cjs') as {
  userPoolTier: (context: Context) => Promise<string>;
  emailConfiguration: (context: Context) => Promise<Record<string, string>>;
};

interface Context {
  resolveVariable: (expression: string) => Promise<unknown>;
}

/** Answers `param:<name>, null` the way serverless does: the param's value, or the fallback when it is unset. */
const withParams = (params: Record<string, unknown>): Context => ({
  resolveVariable: async (expression) => {
    const match = /^param:(\w+), null$/.exec(expression);
    if (!match?.[1]) throw new Error(`unexpected variable ${expression}`);
    return params[match[1]] ?? null;
  },
});

const SES_ARN = 'arn:aws:ses:ap-northeast-1:111122223333:identity/example.com';

describe('userPoolTier', () => {
  it.each(['LITE', 'ESSENTIALS', 'PLUS'])('passes %s through', async (tier) => {
    expect(await userPoolTier(withParams({ userPoolTier: tier }))).toBe(tier);
  });

  it.each([['lite'], ['ESSENTIAL'], [''], [undefined]])(
    'refuses %p, naming the param and the values it takes',
    async (tier) => {
      await expect(userPoolTier(withParams({ userPoolTier: tier }))).rejects.toThrow(
        /^param userPoolTier: must be one of LITE, ESSENTIALS, PLUS/,
      );
    },
  );
});

describe('emailConfiguration', () => {
  it("keeps Cognito's own sender when no SES identity is set", async () => {
    expect(await emailConfiguration(withParams({}))).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });
    expect(await emailConfiguration(withParams({ sesSourceArn: '  ' }))).toEqual({
      EmailSendingAccount: 'COGNITO_DEFAULT',
    });
  });

  it("refuses Cognito's sender on a stage with production checks, unless sesSourceArn is none", async () => {
    await expect(emailConfiguration(withParams({ productionChecks: 'true' }))).rejects.toThrow(
      /^param sesSourceArn: this stage sends real users' email: set the ARN of a verified SES identity/,
    );
    expect(await emailConfiguration(withParams({ productionChecks: true, sesSourceArn: 'none' }))).toEqual({
      EmailSendingAccount: 'COGNITO_DEFAULT',
    });
    expect(
      await emailConfiguration(withParams({ productionChecks: 'true', sesSourceArn: SES_ARN })),
    ).toMatchObject({ EmailSendingAccount: 'DEVELOPER' });
  });

  it('sends through the SES identity, as the given sender and configuration set', async () => {
    const config = await emailConfiguration(
      withParams({
        sesSourceArn: SES_ARN,
        emailFrom: 'Example <no-reply@example.com>',
        sesConfigurationSet: 'cognito-dr',
      }),
    );
    expect(config).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: SES_ARN,
      From: 'Example <no-reply@example.com>',
      ConfigurationSet: 'cognito-dr',
    });
  });

  it('leaves From and ConfigurationSet out when only the identity is set', async () => {
    expect(await emailConfiguration(withParams({ sesSourceArn: SES_ARN }))).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: SES_ARN,
    });
  });

  it.each([
    [{ emailFrom: 'no-reply@example.com' }, /^param emailFrom: needs sesSourceArn/],
    [{ sesConfigurationSet: 'cognito-dr' }, /^param sesConfigurationSet: needs sesSourceArn/],
    [{ sesSourceArn: 'example.com' }, /^param sesSourceArn: must be the ARN of a verified SES identity/],
    [
      { sesSourceArn: 'arn:aws:sns:us-east-1:111122223333:topic' },
      /^param sesSourceArn: must be the ARN of a verified SES identity/,
    ],
    [{ sesSourceArn: SES_ARN, emailFrom: 'Example' }, /^param emailFrom: must be an address/],
    [
      { sesSourceArn: SES_ARN, sesConfigurationSet: 'has space' },
      /^param sesConfigurationSet: must be 1 to 64/,
    ],
    [{ sesSourceArn: 42 }, /^param sesSourceArn: must be a string/],
  ])('refuses %p with the param and the rule', async (params, message) => {
    await expect(emailConfiguration(withParams(params))).rejects.toThrow(message);
  });
});
