// What the primary stack takes back from the replica stack at deploy time, as serverless.yml's ${file()} resolver
// computes it: a pin when given, else the replica stack's outputs in the backup region, else nothing yet (the first
// install deploys twice).
const fromReplica = require('./from-replica.cjs') as (context: {
  resolveVariable: (expression: string) => Promise<unknown>;
}) => Promise<Record<string, unknown>>;

function primaryDeploy(
  replicaOutputs: Record<string, string> | undefined,
  params: Record<string, string> = {},
) {
  const lookups: string[] = [];
  const resolveVariable = async (expression: string): Promise<unknown> => {
    if (expression === 'sls:stage') return 'prod';
    if (expression === 'param:backupRegion') return 'ap-northeast-1';
    const param = /^param:(\w+), null$/.exec(expression);
    if (param?.[1]) return params[param[1]] ?? null;
    lookups.push(expression);
    const output = /^cf\(ap-northeast-1\):cognito-dr-replica-prod\.(\w+), null$/.exec(expression);
    if (output?.[1]) return replicaOutputs?.[output[1]] ?? null;
    throw new Error(`unexpected variable ${expression}`);
  };
  return { context: { resolveVariable }, lookups };
}

it("reads the backup pool's ids from the replica stack's outputs in the backup region", async () => {
  const { context } = primaryDeploy({
    BackupUserPoolId: 'ap-northeast-1_Backup',
    BackupMigrationClientId: 'migration',
  });
  expect(await fromReplica(context)).toEqual({
    backupUserPoolId: 'ap-northeast-1_Backup',
    backupMigrationClientId: 'migration',
  });
});

it('goes on without them before the replica stack exists (the first of the two first deploys)', async () => {
  const { context, lookups } = primaryDeploy(undefined);
  expect(await fromReplica(context)).toEqual({ backupUserPoolId: '', backupMigrationClientId: '' });
  expect(lookups).toEqual([
    'cf(ap-northeast-1):cognito-dr-replica-prod.BackupUserPoolId, null',
    'cf(ap-northeast-1):cognito-dr-replica-prod.BackupMigrationClientId, null',
  ]);
});

it('takes a pin without reading the stack', async () => {
  const { context, lookups } = primaryDeploy(undefined, {
    backupUserPoolId: 'pinned',
    backupMigrationClientId: 'pinned-too',
  });
  expect(await fromReplica(context)).toEqual({
    backupUserPoolId: 'pinned',
    backupMigrationClientId: 'pinned-too',
  });
  expect(lookups).toEqual([]);
});
