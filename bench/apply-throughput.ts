// Replica apply throughput: stream records built from real records, applied by the replica's own handler
// (in-process) against the backup emulator, next to the emulator's raw AdminCreateUser rate measured in the same
// run, interleaved with it, at the same concurrency. Each side writes into a fresh pool of its own, so both start empty; the pools and
// the handler's table are deleted afterwards, so repeated runs do not slow the emulators down for what follows.
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONCURRENCY } from '@cognito-dr/apply';
import type { StackInfo } from '@cognito-dr/shared';
import { desiredAttributes, recordToImage, type UserRecord } from '@cognito-dr/shared';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { backupClients, benchRecords, createRecordTable, lambdaContext } from './replica-fixtures';
import { pool } from './stats';

const root = resolve(__dirname, '..');
const BATCH_SIZE = 100;
/** Records per turn of each side: whole stream batches. */
const ROUND = 2 * BATCH_SIZE;

export interface ApplyResult {
  records: number;
  handlerRecordsPerSecond: number;
  rawAdminCreateUserPerSecond: number;
  rawConfirmedUserPerSecond: number;
  /** handler ÷ raw AdminCreateUser: the figure. */
  ratioToRawCreate: number;
  /** handler ÷ raw AdminCreateUser + AdminSetUserPassword, the same work a confirmed backup user needs. */
  ratioToRawConfirmedUser: number;
  /**
   * raw create + set password ÷ raw create: the most `ratioToRawCreate` can be while a backup user needs both
   * calls (AdminCreateUser leaves FORCE_CHANGE_PASSWORD, from which Cognito refuses ForgotPassword).
   */
  twoCallCeiling: number;
  failures: number;
}

const schema = (): SchemaAttributeType[] =>
  (
    require(join(root, 'shared', 'pool-schema.cjs')) as { backupSchema: () => SchemaAttributeType[] }
  ).backupSchema();

export const measureApplyThroughput = async (stack: StackInfo, count: number): Promise<ApplyResult> => {
  const run = randomBytes(3).toString('hex');
  const { cognito, dynamo } = backupClients(stack);
  const created: { pools: string[]; table?: string } = { pools: [] };
  const newPool = async (name: string) => {
    const id = (await cognito.send(new CreateUserPoolCommand({ PoolName: name, Schema: schema() }))).UserPool
      ?.Id;
    if (!id) throw new Error(`CreateUserPool ${name} returned no id`);
    created.pools.push(id);
    return id;
  };
  try {
    return await measure(stack, count, { run, cognito, dynamo, newPool, created });
  } finally {
    for (const UserPoolId of created.pools) await cognito.send(new DeleteUserPoolCommand({ UserPoolId }));
    if (created.table) await dynamo.send(new DeleteTableCommand({ TableName: created.table }));
  }
};

const measure = async (
  stack: StackInfo,
  count: number,
  {
    run,
    cognito,
    dynamo,
    newPool,
    created,
  }: {
    run: string;
    cognito: CognitoIdentityProviderClient;
    dynamo: DynamoDBClient;
    newPool: (name: string) => Promise<string>;
    created: { table?: string };
  },
): Promise<ApplyResult> => {
  const region = stack.backup.region;

  const records = benchRecords(count, `apply-${run}`);

  // Three sides, each into its own empty pool: raw creates, raw creates of confirmed users, and the handler. The
  // raw calls create the very users the handler will, with the same attributes (as its plan would send them).
  const rawPools = {
    create: await newPool(`bench-raw-${run}`),
    confirmed: await newPool(`bench-confirmed-${run}`),
  };
  const raw = (confirmed: boolean) => async (slice: UserRecord[]) => {
    const UserPoolId = confirmed ? rawPools.confirmed : rawPools.create;
    await pool(slice, DEFAULT_CONCURRENCY, async (record) => {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: record.username,
          MessageAction: 'SUPPRESS',
          UserAttributes: Object.entries(desiredAttributes(record)).map(([Name, Value]) => ({
            Name,
            Value,
          })),
        }),
      );
      if (!confirmed) return;
      await cognito.send(
        new AdminSetUserPasswordCommand({
          UserPoolId,
          Username: record.username,
          Password: `Pw-${randomBytes(8).toString('hex')}-7x`,
          Permanent: true,
        }),
      );
    });
  };

  const tableName = `cognito-dr-users-bench-${run}`;
  await createRecordTable(dynamo, tableName, records);
  created.table = tableName;

  const applyPool = await newPool(`bench-apply-${run}`);
  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.backup.cognitoEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stack.backup.dynamodbEndpoint,
    USER_POOL_ID: applyPool,
    CREATE_MISSING: 'true',
    TABLE_NAME: tableName,
    // Region roles, read as the deployed consumer reads them: the primary active, this region on standby.
    CONTROL_TABLE_NAME: stack.backup.controlTableName,
    PRIMARY_REGION: stack.primary.region,
    BACKUP_REGION: stack.backup.region,
    DEAD_LETTER_FILE: join(root, '.local', 'bench', `parked-${run}.jsonl`),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  // Loaded per run, after the environment it reads at cold start is in place.
  const modulePath = require.resolve('../services/replica/src/functions/on-user-record-change');
  // The function file re-exports the apply package's handler, which is what reads the environment: drop both.
  delete require.cache[modulePath];
  delete require.cache[require.resolve('@cognito-dr/apply/handlers/on-user-record-change')];
  const { handler } = require(modulePath) as {
    handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
  };
  const events: DynamoDBStreamEvent[] = [];
  for (let i = 0; i < records.length; i += BATCH_SIZE) {
    events.push({
      Records: records.slice(i, i + BATCH_SIZE).map((record, j) => ({
        eventID: `${run}-${i + j}`,
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        eventVersion: '1.1',
        awsRegion: region,
        eventSourceARN: `arn:aws:dynamodb:${region}:000000000000:table/${tableName}/stream/bench`,
        dynamodb: {
          Keys: { username: { S: record.username } },
          NewImage: recordToImage(record) as never,
          SequenceNumber: String(1_000_000 + i + j),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      })),
    });
  }
  let failures = 0;
  const applied = async (slice: UserRecord[]) => {
    const first = records.indexOf(slice[0] as UserRecord) / BATCH_SIZE;
    for (const event of events.slice(first, first + Math.ceil(slice.length / BATCH_SIZE))) {
      // One shard, one batch at a time, as the event source mapping delivers it.
      const response = await handler(
        event,
        lambdaContext(region, () => 60_000),
      );
      failures += response.batchItemFailures.length;
    }
  };

  // The sides take turns, a round of ROUND records each, in a rotating order: on a shared machine all three see
  // the same background load and the same pool sizes, so their ratios hold even when absolute rates drift.
  const sides = [raw(false), raw(true), applied];
  const spentMs = [0, 0, 0];
  for (let start = 0, round = 0; start < records.length; start += ROUND, round++) {
    const slice = records.slice(start, start + ROUND);
    for (let turn = 0; turn < sides.length; turn++) {
      const side = (round + turn) % sides.length;
      const began = performance.now();
      await (sides[side] as (slice: UserRecord[]) => Promise<void>)(slice);
      spentMs[side] = (spentMs[side] ?? 0) + performance.now() - began;
    }
  }
  const [rawCreate, rawConfirmed, handlerRate] = spentMs.map((ms) => count / (ms / 1000)) as [
    number,
    number,
    number,
  ];
  return {
    records: count,
    handlerRecordsPerSecond: handlerRate,
    rawAdminCreateUserPerSecond: rawCreate,
    rawConfirmedUserPerSecond: rawConfirmed,
    ratioToRawCreate: handlerRate / rawCreate,
    ratioToRawConfirmedUser: handlerRate / rawConfirmed,
    twoCallCeiling: rawConfirmed / rawCreate,
    failures,
  };
};
