// What a scheduled-run Lambda needs around onScheduledRun: its clients and budget from the environment, starting its
// own next invocation, and publishing its metrics whatever happens.
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { cognitoClient, type EnvReader, systemClock, tableClient, userRefKeyStep } from '@cognito-dr/shared';
import type { Context } from 'aws-lambda';
import { budgetFromEnv } from './quota';
import {
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  onScheduledRun,
  type ScheduledRunDeps,
  type ScheduledRunSummary,
} from './scheduled-run';
import { type Job, stateTableCheckpoints, stateTableLease } from './state-table';

/**
 * The clients of a scheduled run, read once at cold start: Cognito and DynamoDB of the function's region (the run
 * paces Cognito by its budget and retries the throttling it could not prevent in the governor: the quotas are
 * shared), the state table (STATE_TABLE_NAME), the budget (QUOTA_SHARE, COGNITO_RPS) and the continuation (an
 * asynchronous invoke of itself).
 */
export function scheduledRunClients(env: EnvReader) {
  env.requireAll('AWS_REGION', 'AWS_LAMBDA_FUNCTION_NAME', 'STATE_TABLE_NAME');
  const region = env.required('AWS_REGION');
  const clientOptions = { region, maxAttempts: 8 };
  const table = tableClient(clientOptions);
  return {
    region,
    cognito: cognitoClient(clientOptions),
    table,
    state: { table, tableName: env.required('STATE_TABLE_NAME'), clock: systemClock },
    budget: budgetFromEnv(env),
    continueWith: invokeItself(new LambdaClient({ region }), env.required('AWS_LAMBDA_FUNCTION_NAME')),
  };
}

/** Invokes the function itself asynchronously: the continuation picks the run up from the state table. */
const invokeItself = (lambda: LambdaClient, functionName: string) => async (): Promise<void> => {
  await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ continuation: true })),
    }),
  );
};

/** The handler: the run, then its metrics flushed even when it threw. */
export const publishingMetrics =
  <E, C, R>(run: (event: E, context: C) => Promise<R>, metrics: Pick<Metrics, 'publishStoredMetrics'>) =>
  async (event: E, context: C): Promise<R> => {
    try {
      return await run(event, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };

/**
 * A scheduled-run Lambda handler: one run at a time through a lease in the state table (five minutes: a crashed
 * holder blocks the next start that long at most; renewed before writes every minute while running), checkpoints
 * there written only while the lease is this invocation's, the
 * continuation, the key of the user references in its logs, and metrics published whatever happens. Event logging
 * stays off, as everywhere.
 */
export function scheduledRunHandler(
  env: EnvReader,
  clients: Pick<ReturnType<typeof scheduledRunClients>, 'state' | 'continueWith'>,
  job: Pick<ScheduledRunDeps, 'metricPrefix' | 'modes' | 'shouldRun' | 'run'> & {
    /** The lease's and checkpoints' name in the state table. */
    name: Job;
    /** The variable that may lower or raise the invocation limit of one run. */
    maxInvocationsVariable: string;
  },
): (event: unknown, context: Context) => Promise<ScheduledRunSummary> {
  const metrics = new Metrics();
  const log = new Logger();
  const userRefKey = userRefKeyStep((message, details) => log.warn(message, details));
  const lease = stateTableLease(clients.state, job.name, randomUUID(), 5 * 60_000);
  const run = onScheduledRun({
    ...job,
    lease,
    checkpoints: stateTableCheckpoints(clients.state, job.name, lease),
    continueWith: clients.continueWith,
    now: () => systemClock.now(),
    log,
    metrics,
    settings: {
      ...DEFAULT_SCHEDULED_RUN_SETTINGS,
      maxInvocations: env.positiveNumber(
        job.maxInvocationsVariable,
        DEFAULT_SCHEDULED_RUN_SETTINGS.maxInvocations,
      ),
    },
  });
  return publishingMetrics(async (event: unknown, context: Context) => {
    await userRefKey();
    return run(event, context);
  }, metrics);
}
