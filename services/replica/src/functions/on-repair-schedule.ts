// Scheduled (daily by default) and on-demand repair of the backup pool from the table's replica in this region:
// every missing, stale or extra backup user is converged through @cognito-dr/apply, the stream consumer's own
// convergence. Uses only backup-region resources, so it works with the primary region down. Invoke it with
// {"dryRun":true} to only count the drift.
//
// One run at a time through a lease in this region's state table; a run longer than one invocation continues itself
// asynchronously from its checkpoint there. Failed asynchronous invocations go to an SQS destination.
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  onScheduledRun,
  publishingMetrics,
  runRepair,
  type ScheduledRunSummary,
  scheduledRunClients,
  stateTableCheckpoints,
  stateTableLease,
} from '@cognito-dr/reconcile';
import { envReader, isActiveRegion, rolesReaderFromEnv, systemClock } from '@cognito-dr/shared';
import type { Context } from 'aws-lambda';

const env = envReader();
env.requireAll('BACKUP_USER_POOL_ID', 'TABLE_NAME');
const { region, cognito, table, state, budget, continueWith } = scheduledRunClients(env);
const roles = rolesReaderFromEnv(env, table);
// The primary's pool is named by region roles once a switch recorded it; until then only this one is known.
const pools = {
  [env.required('PRIMARY_REGION')]: undefined,
  [env.required('BACKUP_REGION')]: undefined,
  [region]: env.required('BACKUP_USER_POOL_ID'),
};

// Event logging stays off, as everywhere.
const logger = new Logger();
const metrics = new Metrics();

const settings = {
  ...DEFAULT_SCHEDULED_RUN_SETTINGS,
  maxInvocations: env.positiveNumber('REPAIR_MAX_INVOCATIONS', DEFAULT_SCHEDULED_RUN_SETTINGS.maxInvocations),
};

/**
 * The handler, given whether this region should repair now (region roles decide; the backup pool of an active
 * region is a source, not a target). Default: always.
 */
export const repairHandler = (shouldRun: () => boolean | Promise<boolean> = () => true) =>
  publishingMetrics<unknown, Context, ScheduledRunSummary>(
    onScheduledRun({
      metricPrefix: 'Repair',
      modes: ['repair'],
      shouldRun,
      // Five minutes: a crashed holder blocks the next start that long at most; renewed every minute while running.
      lease: stateTableLease(state, 'repair', randomUUID(), 5 * 60_000),
      checkpoints: stateTableCheckpoints(state, 'repair'),
      run: (request, controls) =>
        runRepair(
          {
            cognito,
            table,
            userPoolId: env.required('BACKUP_USER_POOL_ID'),
            tableName: env.required('TABLE_NAME'),
            region,
            clock: systemClock,
            checkpoints: controls.checkpoints,
            roles,
            pools,
          },
          {
            dryRun: request.dryRun,
            budget,
            shouldStop: controls.shouldStop,
            onFailure: controls.onFailure,
            onGroupFailure: controls.onGroupFailure,
          },
        ),
      continueWith,
      now: () => systemClock.now(),
      log: logger,
      metrics,
      settings,
    }),
    metrics,
  );

// The backup pool is repaired while it is standby; once a failover made it active, it is a source, not a target.
export const handler = repairHandler(async () => !isActiveRegion(await roles(), region));
