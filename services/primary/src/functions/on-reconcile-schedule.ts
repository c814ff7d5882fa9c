// Scheduled (hourly) and on-demand reconcile of the primary pool against the replication table: repairs what the
// triggers and the API-call capture missed. Invoke it with {"mode":"backfill"} once at install, or with
// {"dryRun":true} to only count the drift.
//
// A pool too large for one invocation is covered by a chain: when the time left drops under a minute the run stops
// at a checkpoint and invokes this same function asynchronously with the checkpoint as its payload (hence
// lambda:InvokeFunction on itself). The chain is bounded (RECONCILE_MAX_CONTINUATIONS) and meant to run with
// reserved concurrency 1, so a scheduled run never overlaps a chain still working and the quotas stay shared by one.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { cognitoClient, tableClient } from '../lib/aws-clients';
import { MissingConfigError, requireEnv } from '../lib/config';
import { systemClock } from '../reconcile/clock';
import { DEFAULT_RATES } from '../reconcile/pacer';
import {
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  onReconcileSchedule,
  type ScheduledRunSummary,
} from '../reconcile/scheduled-run';

/** A positive number from the environment, or the default when unset. */
const numberFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new MissingConfigError(`environment variable ${name} must be a positive number, got "${raw}"`);
  }
  return value;
};

// Event logging stays off, as everywhere: a continuation payload holds a username (the scan position).
const logger = new Logger();
const metrics = new Metrics();

const region = requireEnv('AWS_REGION');
const functionName = requireEnv('AWS_LAMBDA_FUNCTION_NAME');
// Adaptive retry absorbs throttling the pacers could not prevent (the quota is shared with the application).
const clientOptions = { region, maxAttempts: 8 };
const lambda = new LambdaClient({ region });

const reconcile = onReconcileSchedule({
  engine: {
    cognito: cognitoClient(clientOptions),
    table: tableClient(clientOptions),
    userPoolId: requireEnv('USER_POOL_ID'),
    tableName: requireEnv('TABLE_NAME'),
    origin: region,
    clock: systemClock,
  },
  continueWith: async (request) => {
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(request)),
      }),
    );
  },
  log: logger,
  metrics,
  settings: {
    ...DEFAULT_SCHEDULED_RUN_SETTINGS,
    rates: {
      userList: numberFromEnv('RECONCILE_USER_LIST_RPS', DEFAULT_RATES.userList),
      userRead: numberFromEnv('RECONCILE_USER_READ_RPS', DEFAULT_RATES.userRead),
      writes: numberFromEnv('RECONCILE_WRITE_RPS', DEFAULT_RATES.writes),
    },
    concurrency: numberFromEnv('RECONCILE_CONCURRENCY', 8),
    maxContinuations: numberFromEnv(
      'RECONCILE_MAX_CONTINUATIONS',
      DEFAULT_SCHEDULED_RUN_SETTINGS.maxContinuations,
    ),
  },
});

export const handler = async (event: unknown, context: Context): Promise<ScheduledRunSummary> => {
  try {
    return await reconcile(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
};
