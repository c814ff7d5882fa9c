// What the replica stack takes from the primary stack and the published active pool, as serverless.yml's ${file()}
// resolver computes it: compose's params when given, else the primary stack's outputs, so the replica deploys on its
// own from its directory; the backup pool's posture follows the last publication of `cognito-dr failover`/`failback`.
const fromPrimary = require('./from-primary.cjs') as (context: {
  resolveVariable: (expression: string) => Promise<unknown>;
}) => Promise<Record<string, unknown>>;

const OUTPUTS = {
  UserPoolId: 'us-east-1_Primary',
  UserPoolClientId: 'client-of-primary',
  PrimaryPoolShape: 'none',
  UserRefKeySecretArn:
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:cognito-dr-prod-user-ref-key-AbCdEf',
};

/**
 * Answers variables as osls would on stage `stage`: params given on the command line, the regions' defaults,
 * CloudFormation outputs of the stacks in `stacks` (region -> stack -> outputs), SSM parameters in `ssm`. Any other
 * expression fails the test, so the resolver reads nothing it should not; every lookup is recorded.
 */
function replicaDeploy({
  stage = 'prod',
  params = {},
  stacks = {},
  ssm = {},
}: {
  stage?: string;
  params?: Record<string, string>;
  stacks?: Record<string, Record<string, Record<string, string>>>;
  ssm?: Record<string, Record<string, string>>;
}) {
  const lookups: string[] = [];
  const regions: Record<string, string> = { primaryRegion: 'us-east-1', backupRegion: 'ap-northeast-1' };
  const resolveVariable = async (expression: string): Promise<unknown> => {
    if (expression === 'sls:stage') return stage;
    const param = /^param:(\w+)(, null)?$/.exec(expression);
    if (param?.[1]) {
      const value = params[param[1]] ?? regions[param[1]];
      if (value === undefined && !param[2]) throw new Error(`param ${param[1]} has no value`);
      return value ?? null;
    }
    lookups.push(expression);
    const output = /^cf\(([\w-]+)\):([\w-]+)\.(\w+), null$/.exec(expression);
    if (output) return stacks[output[1] as string]?.[output[2] as string]?.[output[3] as string] ?? null;
    const parameter = /^ssm\(([\w-]+)\):(\S+), null$/.exec(expression);
    if (parameter) return ssm[parameter[1] as string]?.[parameter[2] as string] ?? null;
    throw new Error(`unexpected variable ${expression}`);
  };
  return { context: { resolveVariable }, lookups };
}

const PRIMARY_STACK = { 'us-east-1': { 'cognito-dr-primary-prod': OUTPUTS } };
const published = (region: string) => ({
  'ap-northeast-1': { '/cognito-dr/prod/active': JSON.stringify({ region, userPoolId: 'p', epoch: 3 }) },
});

describe('deployed on its own, the replica reads the primary stack', () => {
  it("takes every value compose would pass from the primary stack's outputs, in the primary region", async () => {
    const { context, lookups } = replicaDeploy({ stacks: PRIMARY_STACK });
    expect(await fromPrimary(context)).toEqual({
      primaryUserPoolId: OUTPUTS.UserPoolId,
      primaryUserPoolClientId: OUTPUTS.UserPoolClientId,
      primaryPoolShape: 'none',
      userRefKeySecretArn: OUTPUTS.UserRefKeySecretArn,
      backupPoolMode: 'standby',
    });
    expect(lookups).toContain('cf(us-east-1):cognito-dr-primary-prod.UserRefKeySecretArn, null');
  });

  it('refuses to deploy before the primary exists, naming the command that deploys both in order', async () => {
    const { context } = replicaDeploy({});
    await expect(fromPrimary(context)).rejects.toThrow(
      /cognito-dr-primary-prod has no output UserPoolId: deploy both services from the repository root \(npx serverless deploy --stage prod\)/,
    );
  });

  it('reads nothing from AWS when compose passes every value', async () => {
    const { context, lookups } = replicaDeploy({
      params: {
        primaryUserPoolId: 'a',
        primaryUserPoolClientId: 'b',
        primaryPoolShape: 'none',
        userRefKeySecretArn: 'c',
        backupPoolMode: 'standby',
      },
    });
    expect(await fromPrimary(context)).toMatchObject({ primaryUserPoolId: 'a', backupPoolMode: 'standby' });
    expect(lookups).toEqual([]);
  });

  it('reads nothing from AWS on the local stage', async () => {
    const { context, lookups } = replicaDeploy({ stage: 'local' });
    expect(await fromPrimary(context)).toMatchObject({ primaryUserPoolId: '', backupPoolMode: 'standby' });
    expect(lookups).toEqual([]);
  });
});

describe("the backup pool's posture follows the published active pool", () => {
  it('is active while the backup region is the published one (a deploy while failed over keeps it so)', async () => {
    const { context } = replicaDeploy({ stacks: PRIMARY_STACK, ssm: published('ap-northeast-1') });
    expect((await fromPrimary(context)).backupPoolMode).toBe('active');
  });

  it('is standby once the primary region is published again, and before any publication', async () => {
    for (const ssm of [published('us-east-1'), {}]) {
      const { context } = replicaDeploy({ stacks: PRIMARY_STACK, ssm });
      expect((await fromPrimary(context)).backupPoolMode).toBe('standby');
    }
  });

  it('can be pinned, and refuses a posture that does not exist', async () => {
    const pinned = replicaDeploy({
      stacks: PRIMARY_STACK,
      ssm: published('us-east-1'),
      params: { backupPoolMode: 'active' },
    });
    expect((await fromPrimary(pinned.context)).backupPoolMode).toBe('active');
    const wrong = replicaDeploy({ stacks: PRIMARY_STACK, params: { backupPoolMode: 'on' } });
    await expect(fromPrimary(wrong.context)).rejects.toThrow(
      /param backupPoolMode: must be one of standby, active/,
    );
  });
});
