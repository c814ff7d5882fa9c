// What a scheduled-run Lambda needs around onScheduledRun: its clients and budget from the environment, starting its
// own next invocation, and the one handler factory around it.
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  cognitoClient,
  type EnvReader,
  type HandlerTools,
  lambdaHandler,
  systemClock,
  tableClient,
} from '@cognito-dr/shared';
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

export interface ScheduledJob extends Pick<ScheduledRunDeps, 'metricPrefix' | 'modes' | 'shouldRun' | 'run'> {
  /** The lease's and checkpoints' name in the state table. */
  name: Job;
  /** The variable that may lower or raise the invocation limit of one run. */
  maxInvocationsVariable: string;
}

/**
 * A scheduled-run Lambda handler, made by the one handler factory: one run at a time through a lease in the state
 * table (five minutes: a crashed holder blocks the next start that long at most; renewed before writes every minute
 * while running), checkpoints there written only while the lease is this invocation's, and the continuation.
 * `job` is built once per container, with the function's logger and metrics.
 */
export function scheduledRunHandler(
  env: EnvReader,
  clients: Pick<ReturnType<typeof scheduledRunClients>, 'state' | 'continueWith'>,
  job: (tools: HandlerTools) => ScheduledJob,
): (event: unknown, context?: Context) => Promise<ScheduledRunSummary> {
  return lambdaHandler<unknown, ScheduledRunSummary>(
    (tools) => {
      const scheduled = job(tools);
      const lease = stateTableLease(clients.state, scheduled.name, randomUUID(), 5 * 60_000);
      const run = onScheduledRun({
        ...scheduled,
        lease,
        checkpoints: stateTableCheckpoints(clients.state, scheduled.name, lease),
        continueWith: clients.continueWith,
        now: () => systemClock.now(),
        log: tools.logger,
        metrics: tools.metrics,
        settings: {
          ...DEFAULT_SCHEDULED_RUN_SETTINGS,
          maxInvocations: env.positiveNumber(
            scheduled.maxInvocationsVariable,
            DEFAULT_SCHEDULED_RUN_SETTINGS.maxInvocations,
          ),
        },
      });
      return (event, context) => run(event, context);
    },
    { logsUsers: true },
  );
}
