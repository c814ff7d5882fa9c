// Scheduled (hourly) and on-demand reconcile of the primary pool against the replication table: repairs what the
// triggers and the API-call capture missed. Invoke it with {"mode":"backfill"} once at install, or with
// {"dryRun":true} to only count the drift.
//
// One run at a time: a lease in the state table (a start while a run holds it does nothing). A pool too large for
// one invocation is covered by a chain: when the time left drops under a minute the run saves its checkpoint in the
// state table and invokes this function again asynchronously (hence lambda:InvokeFunction on itself); any later
// start, scheduled or not, continues the same run. Failed asynchronous invocations go to an SQS destination.
import {
  DEFAULT_INCREMENTAL,
  DEFAULT_WRITES_PER_SECOND,
  incrementalSince,
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
// Hourly passes read the records of users modified in the last RECONCILE_WINDOW_HOURS; the one starting in the UTC
// hour RECONCILE_FULL_HOUR_UTC reads every record (reconcile/src/incremental.ts). Checked here, at cold start.
const incremental = {
  windowHours: env.positiveNumber('RECONCILE_WINDOW_HOURS', DEFAULT_INCREMENTAL.windowHours),
  fullHourUtc: Number(env.optional('RECONCILE_FULL_HOUR_UTC') ?? DEFAULT_INCREMENTAL.fullHourUtc),
};
incrementalSince(0, incremental);

const roles = rolesReaderFromEnv(env, table);
// The other region's pool is named by region roles once a switch recorded it; until then only this one is known.
const pools = {
  [env.required('PRIMARY_REGION')]: undefined,
  [env.required('BACKUP_REGION')]: undefined,
  [region]: env.required('USER_POOL_ID'),
};

export const handler = scheduledRunHandler(env, clients, () => ({
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
        pools,
        roles,
        beforeWrite: controls.beforeWrite,
      },
      {
        mode: request.mode === 'backfill' ? 'backfill' : 'reconcile',
        dryRun: request.dryRun,
        // A backfill and an on-demand dry run read every user; a scheduled reconcile reads what changed.
        modifiedSince:
          request.mode === 'reconcile' && !request.dryRun
            ? incrementalSince(systemClock.now(), incremental)
            : undefined,
        budget,
        writesPerSecond,
        concurrency,
        shouldStop: controls.shouldStop,
        onFailure: controls.onFailure,
        onGroupFailure: controls.onGroupFailure,
      },
    ),
}));
