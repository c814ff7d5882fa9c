// Scheduled (hourly) and on-demand reconcile of the primary pool against the replication table: repairs what the
// triggers and the API-call capture missed. Invoke it with {"mode":"backfill"} once at install, or with
// {"dryRun":true} to only count the drift.
//
// One run at a time: a lease in the state table (a start while a run holds it does nothing). A pool too large for
// one invocation is covered by a chain: when the time left drops under a minute the run saves its checkpoint in the
// state table and invokes this function again asynchronously (hence lambda:InvokeFunction on itself); any later
// start, scheduled or not, continues the same run. Failed asynchronous invocations go to an SQS destination.
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  DEFAULT_WRITES_PER_SECOND,
  onScheduledRun,
  publishingMetrics,
  runReconcile,
  type ScheduledRunSummary,
  scheduledRunClients,
  stateTableCheckpoints,
  stateTableLease,
} from '@cognito-dr/reconcile';
import { envReader, isActiveRegion, rolesReaderFromEnv, systemClock } from '@cognito-dr/shared';
import type { Context } from 'aws-lambda';

const env = envReader();
env.requireAll('USER_POOL_ID', 'TABLE_NAME');
const { region, cognito, table, state, budget, continueWith } = scheduledRunClients(env);

// Event logging stays off, as everywhere.
const logger = new Logger();
const metrics = new Metrics();

const writesPerSecond = env.positiveNumber('RECONCILE_WRITE_RPS', DEFAULT_WRITES_PER_SECOND);
const concurrency = env.positiveNumber('RECONCILE_CONCURRENCY', 8);

const roles = rolesReaderFromEnv(env, table);
// The other region's pool is named by region roles once a switch recorded it; until then only this one is known.
const pools = {
  [env.required('PRIMARY_REGION')]: undefined,
  [env.required('BACKUP_REGION')]: undefined,
  [region]: env.required('USER_POOL_ID'),
};

const reconcile = onScheduledRun({
  metricPrefix: 'Reconcile',
  modes: ['reconcile', 'backfill'],
  // Only the active region's pool is the truth: reconciling a standby pool into the table would overwrite what the
  // other region recorded while it served users.
  shouldRun: async () => isActiveRegion(await roles(), region),
  // Five minutes: a crashed holder blocks the next start that long at most; renewed every minute while running.
  lease: stateTableLease(state, 'reconcile', randomUUID(), 5 * 60_000),
  checkpoints: stateTableCheckpoints(state, 'reconcile'),
  run: (request, controls) =>
    runReconcile(
      {
        cognito,
        table,
        userPoolId: env.required('USER_POOL_ID'),
        tableName: env.required('TABLE_NAME'),
        origin: region,
        clock: systemClock,
        checkpoints: controls.checkpoints,
        pools,
        roles,
      },
      {
        mode: request.mode === 'backfill' ? 'backfill' : 'reconcile',
        dryRun: request.dryRun,
        budget,
        writesPerSecond,
        concurrency,
        shouldStop: controls.shouldStop,
        onFailure: controls.onFailure,
        onGroupFailure: controls.onGroupFailure,
      },
    ),
  continueWith,
  now: () => systemClock.now(),
  log: logger,
  metrics,
  settings: {
    ...DEFAULT_SCHEDULED_RUN_SETTINGS,
    maxInvocations: env.positiveNumber(
      'RECONCILE_MAX_INVOCATIONS',
      DEFAULT_SCHEDULED_RUN_SETTINGS.maxInvocations,
    ),
  },
});

export const handler: (event: unknown, context: Context) => Promise<ScheduledRunSummary> = publishingMetrics(
  reconcile,
  metrics,
);
