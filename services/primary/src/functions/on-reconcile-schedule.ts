// Scheduled (hourly) and on-demand reconcile of the primary pool against the replication table: repairs what the
// triggers and the API-call capture missed. Invoke it with {"mode":"backfill"} once at install, or with
// {"dryRun":true} to only count the drift.
//
// One run at a time: a lease in the state table (a start while a run holds it does nothing). A pool too large for
// one invocation is covered by a chain: when the time left drops under a minute the run saves its checkpoint in the
// state table and invokes this function again asynchronously (hence lambda:InvokeFunction on itself); any later
// start, scheduled or not, continues the same run. Failed asynchronous invocations go to an SQS destination.
import {
  DEFAULT_WRITES_PER_SECOND,
  runReconcile,
  scheduledRunClients,
  scheduledRunHandler,
} from '@cognito-dr/reconcile';
import { envReader, isActiveRegion, rolesReaderFromEnv, systemClock } from '@cognito-dr/shared';

const env = envReader();
env.requireAll('USER_POOL_ID', 'TABLE_NAME');
const clients = scheduledRunClients(env);
const { region, cognito, table, budget } = clients;

const writesPerSecond = env.positiveNumber('RECONCILE_WRITE_RPS', DEFAULT_WRITES_PER_SECOND);
const concurrency = env.positiveNumber('RECONCILE_CONCURRENCY', 8);

const roles = rolesReaderFromEnv(env, table);

export const handler = scheduledRunHandler(env, clients, {
  name: 'reconcile',
  metricPrefix: 'Reconcile',
  modes: ['reconcile', 'backfill'],
  maxInvocationsVariable: 'RECONCILE_MAX_INVOCATIONS',
  // Only the active region's pool is the truth: reconciling a standby pool into the table would overwrite what the
  // other region recorded while it served users.
  shouldRun: async () => isActiveRegion(await roles(), region),
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
      },
      {
        mode: request.mode === 'backfill' ? 'backfill' : 'reconcile',
        dryRun: request.dryRun,
        budget,
        writesPerSecond,
        concurrency,
        shouldStop: controls.shouldStop,
        onFailure: controls.onFailure,
      },
    ),
});
