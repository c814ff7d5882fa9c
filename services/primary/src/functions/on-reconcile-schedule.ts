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
import { cognitoClient, envReader, systemClock, tableClient } from '@cognito-dr/shared';
import type { Context } from 'aws-lambda';
import { DEFAULT_RATES } from '../reconcile/pacer';
import {
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  onReconcileSchedule,
  type ScheduledRunSummary,
} from '../reconcile/scheduled-run';

const env = envReader();

// Event logging stays off, as everywhere: a continuation payload holds a username (the scan position).
const logger = new Logger();
const metrics = new Metrics();

const region = env.required('AWS_REGION');
const functionName = env.required('AWS_LAMBDA_FUNCTION_NAME');
// Adaptive retry absorbs throttling the pacers could not prevent (the quota is shared with the application).
const clientOptions = { region, maxAttempts: 8 };
const lambda = new LambdaClient({ region });

const reconcile = onReconcileSchedule({
  engine: {
    cognito: cognitoClient(clientOptions),
    table: tableClient(clientOptions),
    userPoolId: env.required('USER_POOL_ID'),
    tableName: env.required('TABLE_NAME'),
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
      userList: env.positiveNumber('RECONCILE_USER_LIST_RPS', DEFAULT_RATES.userList),
      userRead: env.positiveNumber('RECONCILE_USER_READ_RPS', DEFAULT_RATES.userRead),
      writes: env.positiveNumber('RECONCILE_WRITE_RPS', DEFAULT_RATES.writes),
    },
    concurrency: env.positiveNumber('RECONCILE_CONCURRENCY', 8),
    maxContinuations: env.positiveNumber(
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
