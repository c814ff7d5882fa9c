// One Lambda invocation's share of a scheduled run (reconcile in the primary region, repair in the backup region):
// take the lease, continue the run stored in the state table until the time left gets short, give the lease back,
// and start the next invocation. A start while another run holds the lease does nothing and says so.
//
// The lease is renewed before any write once `renewEveryMs` has passed since the last renewal, in every phase (the
// group pass, the listing, the table), so a write starts at most that long after the lease was confirmed ours and
// lands well before it could expire (5 minutes); a run that lost its lease stops there, before writing.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { errorName, QUOTA_CATEGORIES } from '@cognito-dr/shared';
import { type CheckpointStore, type Counts, LeaseLostError, type RunMode } from './checkpoint';
import type { RunResult, WalkOptions } from './engine';
import type { Lease } from './state-table';

/** An on-demand payload ({"mode":"backfill"}, {"dryRun":true}); a schedule's event (anything else) is a plain start. */
export interface RunRequest {
  mode?: RunMode;
  dryRun?: boolean;
}

export interface ScheduledRunSettings {
  /** Stop and continue in a new invocation when less than this is left: room for the page in flight. */
  stopWhenRemainingMs: number;
  /** A run still unfinished after this many invocations is given up (a guard against one that never ends). */
  maxInvocations: number;
  /** The lease is renewed before a write (checkpoint, record, pool) once this long has passed since the last renewal. */
  renewEveryMs: number;
}

export const DEFAULT_SCHEDULED_RUN_SETTINGS: ScheduledRunSettings = {
  stopWhenRemainingMs: 60_000,
  maxInvocations: 96,
  renewEveryMs: 60_000,
};

export interface ScheduledRunDeps {
  /** Names metrics and log lines: Reconcile… or Repair…. */
  metricPrefix: 'Reconcile' | 'Repair';
  /** Modes this function runs; the first is what a scheduled start runs. */
  modes: readonly RunMode[];
  lease: Lease;
  checkpoints: CheckpointStore;
  /** Runs the engine with these controls and store. */
  run: (
    request: Required<RunRequest>,
    controls: Pick<WalkOptions, 'shouldStop' | 'onFailure' | 'onGroupFailure'> & {
      checkpoints: CheckpointStore;
      /** Called before every record or pool write: throws LeaseLostError once another run holds the lease. */
      beforeWrite: () => Promise<void>;
    },
  ) => Promise<RunResult>;
  /** Starts the next invocation (Lambda Invoke, InvocationType Event, of this same function). */
  continueWith: () => Promise<void>;
  /** Whether this region should run the job now (region roles); default: always. */
  shouldRun?: () => boolean | Promise<boolean>;
  now: () => number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<Metrics, 'addMetric'>;
  settings: ScheduledRunSettings;
}

export type ScheduledRunSummary =
  | (Pick<
      RunResult,
      | 'mode'
      | 'dryRun'
      | 'complete'
      | 'counts'
      | 'delta'
      | 'durationMs'
      | 'workedMs'
      | 'invocations'
      | 'groups'
    > & {
      continued: boolean;
    })
  | { skipped: string }
  | { refused: string }
  | { stopped: string };

const COUNT_METRICS: Record<keyof Counts, string> = {
  checked: 'Checked',
  created: 'Created',
  updated: 'Updated',
  tombstoned: 'Tombstoned',
  deleted: 'Deleted',
  unchanged: 'Unchanged',
  failed: 'Failed',
};

export const onScheduledRun =
  (deps: ScheduledRunDeps) =>
  async (event: unknown, context: { getRemainingTimeInMillis(): number }): Promise<ScheduledRunSummary> => {
    const { log, metrics, metricPrefix: prefix } = deps;
    const metric = (name: string, value = 1) =>
      metrics.addMetric(`${prefix}${name}`, MetricUnit.Count, value);
    if (deps.shouldRun && !(await deps.shouldRun())) {
      log.info(`${prefix.toLowerCase()} not run: this region is not the one that runs it now`);
      return { skipped: 'not this region' };
    }
    let explicit: RunRequest;
    try {
      explicit = readRequest(event, deps.modes);
    } catch (error) {
      // A payload that can never be valid: retrying it would fail the same way.
      log.error(`${prefix.toLowerCase()} request refused`, { reason: (error as Error).message });
      metric('Refused');
      return { refused: (error as Error).message };
    }
    if (!(await deps.lease.acquire())) {
      log.info(`${prefix.toLowerCase()} not started: another run holds the lease and is still working`);
      metric('LeaseHeld');
      return { skipped: 'lease held by another run' };
    }

    let result: RunResult;
    try {
      const saved = await deps.checkpoints.load();
      const stored = saved?.checkpoint;
      const request = {
        mode: explicit.mode ?? stored?.mode ?? (deps.modes[0] as RunMode),
        dryRun: explicit.dryRun ?? stored?.dryRun ?? false,
      };
      if (stored && (stored.mode !== request.mode || stored.dryRun !== request.dryRun)) {
        const reason =
          `a ${stored.dryRun ? 'dry-run ' : ''}${stored.mode} run is under way (${stored.counts.checked} users checked); ` +
          'it continues on the next start, then this request can run';
        log.warn(`${prefix.toLowerCase()} request refused`, { reason });
        metric('Refused');
        return { refused: reason };
      }
      let lastRenewal = deps.now();
      const holdLease = async () => {
        if (deps.now() - lastRenewal < deps.settings.renewEveryMs) return;
        await deps.lease.renew();
        lastRenewal = deps.now();
      };
      const checkpoints: CheckpointStore = {
        load: async () => saved,
        save: async (checkpoint, added) => {
          await holdLease();
          await deps.checkpoints.save(checkpoint, added);
        },
        clear: async () => {
          await holdLease();
          await deps.checkpoints.clear();
        },
      };
      result = await deps.run(request, {
        checkpoints,
        beforeWrite: holdLease,
        shouldStop: () => context.getRemainingTimeInMillis() < deps.settings.stopWhenRemainingMs,
        onFailure: (failure) => log.warn('user not converged', failure),
        onGroupFailure: (failure) => log.warn('group not converged', failure),
      });
      // Given up while the lease is still this run's: the checkpoint is written under it.
      if (!result.complete && result.invocations >= deps.settings.maxInvocations) await checkpoints.clear();
    } catch (error) {
      if (error instanceof LeaseLostError) {
        // Another run took the lease over (this one ran past its expiry): it carries on from the last checkpoint.
        log.error(`${prefix.toLowerCase()} stopped: another run holds the lease`, {
          error: errorName(error),
        });
        metric('LeaseLost');
        return { stopped: 'lease taken over by another run' };
      }
      // The listing failed past the SDK's retries: the checkpoint keeps what was done.
      log.error(`${prefix.toLowerCase()} aborted`, { error: errorName(error) });
      metric('Aborted');
      throw error;
    } finally {
      await deps.lease
        .release()
        .catch((error: unknown) => log.warn('lease not released', { error: errorName(error) }));
    }

    if (!result.dryRun) {
      for (const [key, name] of Object.entries(COUNT_METRICS))
        metric(name, result.delta[key as keyof Counts]);
      // A group not converged alarms like a user not converged.
      if (result.groups?.failed) metric('Failed', result.groups.failed);
      if (result.groups)
        metric('GroupsChanged', result.groups.created + result.groups.updated + result.groups.removed);
      // Deleting a group takes its memberships with it: counted on its own, like user deletions.
      if (result.groups?.removed) metric('GroupsRemoved', result.groups.removed);
    }
    for (const category of QUOTA_CATEGORIES) {
      if (result.callsDelta[category] > 0) metric(`Calls${category}`, result.callsDelta[category]);
    }
    const abandon = !result.complete && result.invocations >= deps.settings.maxInvocations;
    const summary = {
      mode: result.mode,
      dryRun: result.dryRun,
      complete: result.complete,
      counts: result.counts,
      delta: result.delta,
      durationMs: result.durationMs,
      workedMs: result.workedMs,
      invocations: result.invocations,
      ...(result.groups ? { groups: result.groups } : {}),
      continued: !result.complete && !abandon,
    };
    // The one summary line of the invocation: counts and durations only.
    const message = `${result.mode} ${result.complete ? 'finished' : 'paused'}`;
    if (result.counts.failed > 0 || (result.groups?.failed ?? 0) > 0)
      log.error(`${message} with failures`, summary);
    else log.info(message, summary);

    if (abandon) {
      log.error(`${result.mode} abandoned: too many invocations`, { invocations: result.invocations });
      metric('Abandoned');
    } else if (!result.complete) {
      try {
        await deps.continueWith();
      } catch (error) {
        // Thrown, so Lambda's retry runs this invocation again: it continues from the checkpoint just saved.
        log.error(`${result.mode} could not continue`, { error: errorName(error) });
        metric('ContinuationFailed');
        throw error;
      }
    }
    return summary;
  };

function readRequest(event: unknown, modes: readonly RunMode[]): RunRequest {
  const body = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  // A schedule delivers its own event shape (source aws.events / aws.scheduler): a plain start.
  if (body.source === 'aws.events' || body.source === 'aws.scheduler') return {};
  const request: RunRequest = {};
  if (body.mode !== undefined) {
    const mode = modes.find((known) => known === body.mode);
    if (!mode) throw new RangeError(`mode must be ${modes.join(' or ')}`);
    request.mode = mode;
  }
  if (body.dryRun !== undefined) {
    if (typeof body.dryRun !== 'boolean') throw new RangeError('dryRun must be true or false');
    request.dryRun = body.dryRun;
  }
  return request;
}
