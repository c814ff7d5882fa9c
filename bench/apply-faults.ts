// `npm run bench -- apply-faults`: the replica handler applying new users while the backup pool is slow and
// constrained the way Cognito is. The handler is bundled with the esbuild settings of services/replica/serverless.yml
// (minified, as deployed) and run in-process; stream batches reach it through the local event source mapping's own
// delivery logic (deliver-batch.ts: batch 100, ReportBatchItemFailures, bisecting, 10 retries, then the failure
// destination), each invocation with a Lambda-like context counting down from the function's timeout. In-process
// rather than through the stack's stand-in and serverless offline, so every invocation's duration is measured
// against its deadline, each run gets a fresh pool and a cold handler, and nothing else on the stack feeds it.
// Between handler and pool sits the stack's fault proxy: 50 ms per call, and per scenario Cognito's quotas (all of
// them, or a fifth) or a random 30 % throttle.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DeleteUserPoolCommand,
  ListUsersCommand,
  type SchemaAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { StackInfo } from '@cognito-dr/shared';
import { COGNITO_QUOTAS, recordToImage } from '@cognito-dr/shared';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { readServerlessYml } from '../local/lib/cloudformation-yaml';
import { ensurePool } from '../local/stack/provision-pools';
import {
  deliverBatch,
  type FailureDestinationEntry,
} from '../local/standins/stream-event-source/deliver-batch';
import { readStreamEventSettings } from '../local/standins/stream-event-source/stream-event-settings';
import { backupClients, benchRecords, createRecordTable, lambdaContext } from './replica-fixtures';
import { median } from './stats';

const root = resolve(__dirname, '..');
const replicaYml = join(root, 'services', 'replica', 'serverless.yml');
const LATENCY_MS = 50;
/** Enough concurrent sign-ups to start as many trigger workers as the handler keeps busy (32 users at a time). */
const WARM_UP_USERS = 96;

type FaultScenario = 'defaultQuotas' | 'quotaCutTo20' | 'randomThrottle30';

const FAULTS: Record<FaultScenario, { throttleRate: number; quotaScale: number | null }> = {
  defaultQuotas: { throttleRate: 0, quotaScale: 1 },
  quotaCutTo20: { throttleRate: 0, quotaScale: 0.2 },
  randomThrottle30: { throttleRate: 0.3, quotaScale: null },
};

interface FaultRunResult {
  users: number;
  usersPerSecond: number;
  /** users/s ÷ what the quota allows for new users (UserCreation x scale); NaN without quotas. */
  shareOfAllowedRate: number;
  invocations: number;
  /** Invocations that returned after their deadline: Lambda would have cut them off and retried the batch. */
  overDeadline: number;
  /** The longest invocation as a share of its timeout. */
  longestInvocationShare: number;
  /** Batches the event source mapping gave up on, and records the handler parked. */
  deadLettered: number;
  /** Users missing or not CONFIRMED in the backup pool at the end. */
  notApplied: number;
  /** Cognito calls that reached the pool per new user, and those the proxy refused. */
  callsPerUser: number;
  throttledCalls: number;
  /** Calls per operation, as the proxy counted them. */
  operations: Record<string, number>;
}

type Handler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** The handler as serverless-esbuild would bundle it (minified: the command classes lose their names). */
const bundleHandler = async (): Promise<string> => {
  const config = readServerlessYml<{ custom: { esbuild: Record<string, unknown> } }>(replicaYml);
  const esbuild = config.custom.esbuild as {
    minify?: boolean;
    mainFields?: string[];
    exclude?: string[];
    format?: 'cjs';
    platform?: 'node';
  };
  const outdir = join(root, '.local', 'bench', 'replica-bundle');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'on-user-record-change.js');
  await build({
    entryPoints: [join(root, 'services', 'replica', 'src', 'functions', 'on-user-record-change.ts')],
    bundle: true,
    minify: esbuild.minify ?? true,
    mainFields: esbuild.mainFields,
    external: esbuild.exclude,
    format: esbuild.format ?? 'cjs',
    platform: esbuild.platform ?? 'node',
    // The machine running the bench, not Lambda's node22.
    target: `node${process.versions.node.split('.')[0]}`,
    outfile,
    logLevel: 'error',
  });
  return outfile;
};

const setFaults = async (stack: StackInfo, settings: Record<string, unknown>) => {
  const response = await fetch(stack.faultInjection.backupCognito, {
    method: 'PUT',
    body: JSON.stringify(settings),
  });
  if (!response.ok)
    throw new Error(`fault proxy refused ${JSON.stringify(settings)}: ${await response.text()}`);
  return (await response.json()) as { operations: Record<string, { forwarded: number; throttled: number }> };
};

/** One run of one scenario: a fresh pool with its replicator client, a table of `count` records, a cold handler. */
const measureApplyUnderFaults = async (
  stack: StackInfo,
  scenario: FaultScenario,
  count: number,
  bundle: string,
): Promise<FaultRunResult> => {
  const run = randomBytes(3).toString('hex');
  const region = stack.backup.region;
  const { cognito, dynamo } = backupClients(stack);
  const schemas = require(join(root, 'shared', 'pool-schema.cjs')) as {
    backupSchema: () => SchemaAttributeType[];
    replicatorWriteAttributes: () => string[];
  };
  const created: { pool?: string; table?: string } = {};
  // The handler reads its settings from the environment at load; the other benches must not inherit them.
  const savedEnv = { ...process.env };
  const parkedFile = join(root, '.local', 'bench', `faults-parked-${run}.jsonl`);
  try {
    // The name the stack's PreSignUp trigger knows the replicator by (services/replica/serverless.yml).
    const replicatorClientName = readServerlessYml<{ custom: { replicatorClientName: string } }>(replicaYml)
      .custom.replicatorClientName;
    const pool = await ensurePool(cognito, {
      poolName: `bench-faults-${run}`,
      clients: [
        {
          name: replicatorClientName,
          authFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
          writeAttributes: schemas.replicatorWriteAttributes(),
          generateSecret: true,
        },
      ],
      create: {
        Schema: schemas.backupSchema(),
        AutoVerifiedAttributes: [],
        UsernameConfiguration: { CaseSensitive: false },
      },
    });
    const userPoolId = pool.userPoolId;
    created.pool = userPoolId;
    const replicatorClientId = pool.clientId;

    const records = benchRecords(count, `faults-${run}`);
    const tableName = `cognito-dr-users-faults-${run}`;
    await createRecordTable(dynamo, tableName, records);
    created.table = tableName;

    const proxy = new URL(stack.faultInjection.backupCognito).origin;
    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: proxy,
      AWS_ENDPOINT_URL_DYNAMODB: stack.backup.dynamodbEndpoint,
      USER_POOL_ID: userPoolId,
      CREATE_MISSING: 'true',
      TABLE_NAME: tableName,
      // Region roles, read as the deployed consumer reads them: the primary active, this region on standby.
      CONTROL_TABLE_NAME: stack.backup.controlTableName,
      PRIMARY_REGION: stack.primary.region,
      BACKUP_REGION: stack.backup.region,
      REPLICATOR_CLIENT_ID: replicatorClientId,
      DEAD_LETTER_FILE: parkedFile,
      DEAD_LETTER_QUEUE_URL: '',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    // A cold start per run: the handler reads its environment and builds its governor at load.
    delete require.cache[bundle];
    const { handler } = require(bundle) as { handler: Handler };

    const timeoutMs =
      1000 * (readServerlessYml<{ provider: { timeout: number } }>(replicaYml).provider.timeout ?? 60);
    const settings = readStreamEventSettings(replicaYml, 'onUserRecordChange', { backupRegion: region });
    const invocations: { ms: number }[] = [];
    const failures: FailureDestinationEntry[] = [];
    const streamArn = `arn:aws:dynamodb:${region}:000000000000:table/${tableName}/stream/bench`;
    const streamRecords: _Record[] = records.map((record, i) => ({
      eventID: `${run}-${i}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      dynamodb: {
        Keys: { username: { S: record.username } },
        NewImage: recordToImage(record) as never,
        SequenceNumber: String(1_000_000 + i),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: new Date(),
      },
    }));

    const invoke = async (event: DynamoDBStreamEvent) => {
      const started = Date.now();
      const context = lambdaContext(region, () => Math.max(0, started + timeoutMs - Date.now()));
      try {
        const payload = await handler(event, context);
        return { ok: true as const, payload };
      } catch (error) {
        return { ok: false as const, errorType: (error as Error).name, errorMessage: '' };
      } finally {
        invocations.push({ ms: Date.now() - started });
      }
    };

    await setFaults(stack, { latencyMs: LATENCY_MS, ...FAULTS[scenario], resetCounts: true });
    const began = performance.now();
    for (let i = 0; i < streamRecords.length; i += settings.batchSize) {
      // One shard, one batch at a time, as the event source mapping delivers it.
      await deliverBatch(
        {
          invoke,
          sendToFailureDestination: async (entry) => {
            failures.push(entry);
          },
          settings,
          functionName: 'bench-onUserRecordChange',
          streamArn,
          region,
          retryPause: async () => {},
        },
        streamRecords.slice(i, i + settings.batchSize),
        'shardId-bench',
      );
    }
    const seconds = (performance.now() - began) / 1000;
    const after = await setFaults(stack, { throttleRate: 0, latencyMs: 0, quotaScale: null });

    const listed = (await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId }))).Users ?? [];
    const confirmed = new Set(listed.filter((u) => u.UserStatus === 'CONFIRMED').map((u) => u.Username));
    const notApplied = records.filter((r) => !confirmed.has(r.username)).length;
    let parked = 0;
    try {
      parked = readFileSync(parkedFile, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      // no file: nothing parked
    }
    const operations = Object.fromEntries(
      Object.entries(after.operations).map(([name, counts]) => [name, counts.forwarded]),
    );
    const forwarded = Object.values(after.operations).reduce((sum, c) => sum + c.forwarded, 0);
    const throttled = Object.values(after.operations).reduce((sum, c) => sum + c.throttled, 0);
    const usersPerSecond = count / seconds;
    const scale = FAULTS[scenario].quotaScale;
    const longest = Math.max(...invocations.map((i) => i.ms));
    return {
      users: count,
      usersPerSecond,
      shareOfAllowedRate:
        scale === null ? Number.NaN : usersPerSecond / (COGNITO_QUOTAS.UserCreation.rps * scale),
      invocations: invocations.length,
      overDeadline: invocations.filter((i) => i.ms > timeoutMs).length,
      longestInvocationShare: longest / timeoutMs,
      deadLettered: failures.length + parked,
      notApplied,
      callsPerUser: forwarded / count,
      throttledCalls: throttled,
      operations,
    };
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    await setFaults(stack, { throttleRate: 0, latencyMs: 0, quotaScale: null }).catch(() => undefined);
    rmSync(parkedFile, { force: true });
    if (created.pool) await cognito.send(new DeleteUserPoolCommand({ UserPoolId: created.pool }));
    if (created.table) await dynamo.send(new DeleteTableCommand({ TableName: created.table }));
    cognito.destroy();
    dynamo.destroy();
  }
};

interface ApplyFaultsOptions {
  runs: number;
  users: Record<FaultScenario, number>;
  onRun?: (scenario: FaultScenario, run: number, result: FaultRunResult) => void;
}

/** Every scenario, `runs` times each, scenarios taking turns so all see the same background load. */
const benchApplyFaults = async (
  stack: StackInfo,
  options: ApplyFaultsOptions,
): Promise<Record<FaultScenario, FaultRunResult[]>> => {
  const bundle = await bundleHandler();
  // Untimed: the first sign-ups start the PreSignUp trigger's serverless-offline workers, seconds each on a busy
  // machine, which in AWS is a Lambda cold start of a fraction of a second.
  await measureApplyUnderFaults(stack, 'defaultQuotas', WARM_UP_USERS, bundle);
  const results: Record<FaultScenario, FaultRunResult[]> = {
    defaultQuotas: [],
    quotaCutTo20: [],
    randomThrottle30: [],
  };
  for (let run = 0; run < options.runs; run++) {
    for (const scenario of Object.keys(FAULTS) as FaultScenario[]) {
      const result = await measureApplyUnderFaults(stack, scenario, options.users[scenario], bundle);
      results[scenario].push(result);
      options.onRun?.(scenario, run, result);
    }
  }
  return results;
};

interface FaultSummary {
  runs: number;
  users: number;
  usersPerSecond: number;
  shareOfAllowedRate: number;
  callsPerUser: number;
  throttledCalls: number;
  longestInvocationShare: number;
  overDeadline: number;
  deadLettered: number;
  notApplied: number;
}

/** Medians per scenario, with the worst of the must-be-zero counts (one lost user in any run is a failure). */
const summarizeApplyFaults = (
  results: Record<FaultScenario, FaultRunResult[]>,
): Record<FaultScenario, FaultSummary> => {
  const summarize = (runs: FaultRunResult[]): FaultSummary => ({
    runs: runs.length,
    users: runs[0]?.users ?? 0,
    usersPerSecond: median(runs.map((r) => r.usersPerSecond)),
    shareOfAllowedRate: median(runs.map((r) => r.shareOfAllowedRate)),
    callsPerUser: median(runs.map((r) => r.callsPerUser)),
    throttledCalls: median(runs.map((r) => r.throttledCalls)),
    longestInvocationShare: Math.max(...runs.map((r) => r.longestInvocationShare)),
    overDeadline: Math.max(...runs.map((r) => r.overDeadline)),
    deadLettered: Math.max(...runs.map((r) => r.deadLettered)),
    notApplied: Math.max(...runs.map((r) => r.notApplied)),
  });
  return {
    defaultQuotas: summarize(results.defaultQuotas),
    quotaCutTo20: summarize(results.quotaCutTo20),
    randomThrottle30: summarize(results.randomThrottle30),
  };
};

/** The table the bench prints for these scenarios: figure, value, target. */
export const applyFaultRows = (summary: Record<FaultScenario, FaultSummary>): [string, string, string][] => {
  const r = (n: number | undefined) => String(Math.round((n ?? Number.NaN) * 100) / 100);
  const zeros = (s: FaultSummary) => `${s.notApplied} / ${s.overDeadline} / ${s.deadLettered}`;
  const { defaultQuotas: a, quotaCutTo20: b, randomThrottle30: c } = summary;
  return [
    ['faults (a) default quotas: users/s', r(a.usersPerSecond), '>= 45'],
    ['  Cognito calls per new user', r(a.callsPerUser), '1'],
    ['faults (b) quotas at 20 %: share of allowed', r(b.shareOfAllowedRate), 'close to 1'],
    ['  users/s (UserCreation allows 10)', r(b.usersPerSecond), ''],
    ['faults (c) 30 % random throttle: users/s', r(c.usersPerSecond), ''],
    ['  not applied / over deadline / dead-lettered', `${zeros(a)}, ${zeros(b)}, ${zeros(c)}`, '0 each'],
    [
      '  longest invocation (share of timeout)',
      `${r(a.longestInvocationShare)}, ${r(b.longestInvocationShare)}, ${r(c.longestInvocationShare)}`,
      '< 1',
    ],
  ];
};

/** Runs the scenarios on `stack`, printing each run as it ends; returns the runs and their medians. */
export const runApplyFaults = async (
  stack: StackInfo,
  runs: number,
  users: Record<FaultScenario, number>,
) => {
  const all = await benchApplyFaults(stack, {
    runs,
    users,
    onRun: (scenario, run, result) =>
      process.stderr.write(`apply-faults run ${run + 1}/${runs} ${scenario}: ${JSON.stringify(result)}\n`),
  });
  return { median: summarizeApplyFaults(all), all };
};
