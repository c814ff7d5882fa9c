// Scheduled (daily by default) and on-demand repair of the backup pool from the table's replica in this region:
// every missing, stale or extra backup user is converged through @cognito-dr/apply, the stream consumer's own
// convergence. Uses only backup-region resources, so it works with the primary region down. Invoke it with
// {"dryRun":true} to only count the drift.
//
// One run at a time through a lease in this region's state table; a run longer than one invocation continues itself
// asynchronously from its checkpoint there. Failed asynchronous invocations go to an SQS destination.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { breakerSettingsFromEnv, deletionBreaker, replicatorClient } from '@cognito-dr/apply';
import { runRepair, scheduledRunClients, scheduledRunHandler } from '@cognito-dr/reconcile';
import { envReader, isActiveRegion, rolesReaderFromEnv, systemClock, userRef } from '@cognito-dr/shared';

const env = envReader();
env.requireAll('USER_POOL_ID', 'TABLE_NAME');
const clients = scheduledRunClients(env);
const { region, cognito, table, budget } = clients;
const roles = rolesReaderFromEnv(env, table);
// This region's pool, named USER_POOL_ID as in every function of both services.
const userPoolId = env.required('USER_POOL_ID');
// The primary's pool is named by region roles once a switch recorded it; until then only this one is known.
const pools = {
  [env.required('PRIMARY_REGION')]: undefined,
  [env.required('BACKUP_REGION')]: undefined,
  [region]: userPoolId,
};

// Its secret is read on first use with DescribeUserPoolClient; unset: users are created the two-call way.
const replicatorClientId = env.optional('REPLICATOR_CLIENT_ID');
const replicator = replicatorClientId ? replicatorClient(cognito, userPoolId, replicatorClientId) : undefined;

/**
 * The handler, given whether this region should repair now (region roles decide; the backup pool of an active
 * region is a source, not a target). Default: always.
 */
export const repairHandler = (shouldRun: () => boolean | Promise<boolean> = () => true) =>
  scheduledRunHandler(env, clients, ({ logger, metrics }) => {
    // The stream consumer's breaker, on the same counters and holds: a repair must not finish a mass deletion it
    // held. Each hold is its own metric document, published at once: the run's own metrics are its summary's.
    const breaker = deletionBreaker({
      state: clients.state,
      pool: { cognito, userPoolId },
      settings: breakerSettingsFromEnv(env),
      now: () => systemClock.now(),
      onHeld: ({ username, version, count, threshold }) => {
        metrics.singleMetric().addMetric('DeletionsHeld', MetricUnit.Count, 1);
        logger.warn('deletion held by the breaker', { user: userRef(username), version, count, threshold });
      },
    });
    return {
      name: 'repair',
      metricPrefix: 'Repair',
      modes: ['repair'],
      maxInvocationsVariable: 'REPAIR_MAX_INVOCATIONS',
      shouldRun,
      run: (request, controls) =>
        runRepair(
          {
            cognito,
            table,
            userPoolId,
            tableName: env.required('TABLE_NAME'),
            region,
            clock: systemClock,
            checkpoints: controls.checkpoints,
            roles,
            pools,
            breaker,
            ...(replicator ? { replicator } : {}),
            beforeWrite: controls.beforeWrite,
          },
          {
            dryRun: request.dryRun,
            budget,
            shouldStop: controls.shouldStop,
            onFailure: controls.onFailure,
            onGroupFailure: controls.onGroupFailure,
          },
        ),
    };
  });

// The backup pool is repaired while it is standby; once a failover made it active, it is a source, not a target.
export const handler = repairHandler(async () => !isActiveRegion(await roles(), region));
