// One Lambda invocation's share of a reconcile: runs until the time left gets short, then hands the checkpoint to a
// fresh asynchronous invocation of itself, so a pool of any size is covered by a chain of invocations.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { errorName } from '@cognito-dr/shared';
import {
  type Checkpoint,
  type Counts,
  memoryCheckpointStore,
  parseCheckpoint,
  type ReconcileMode,
} from './checkpoint';
import { type ReconcileDeps, type ReconcileResult, runReconcile } from './engine';
import type { Rates } from './pacer';

/** The payload of an on-demand run or of a continuation. A scheduled event (anything else) starts a reconcile. */
export interface ReconcileRequest {
  mode?: ReconcileMode;
  dryRun?: boolean;
  checkpoint?: Checkpoint;
  /** How many invocations came before this one in the chain. */
  continuation?: number;
}

export interface ScheduledRunSettings {
  rates?: Partial<Rates>;
  concurrency?: number;
  /** Stop and continue elsewhere when less than this is left: room for the batch in flight and the hand-over. */
  stopWhenRemainingMs: number;
  /**
   * Longest chain of invocations. A guard against a run that never finishes (e.g. time left always below the
   * margin): at 15 minutes each, 96 invocations are a day of reconciling.
   */
  maxContinuations: number;
  /** Largest continuation payload; the seen set is dropped beyond it (asynchronous invocations take 256 KB). */
  maxPayloadBytes: number;
}

export const DEFAULT_SCHEDULED_RUN_SETTINGS: ScheduledRunSettings = {
  stopWhenRemainingMs: 60_000,
  maxContinuations: 96,
  maxPayloadBytes: 240_000,
};

export interface ScheduledRunDeps {
  engine: Omit<ReconcileDeps, 'checkpoints'>;
  /** Starts the next invocation of the chain (Lambda Invoke, InvocationType Event, of this same function). */
  continueWith: (request: ReconcileRequest) => Promise<void>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<Metrics, 'addMetric'>;
  settings: ScheduledRunSettings;
}

export type ScheduledRunSummary =
  | (Pick<
      ReconcileResult,
      'mode' | 'dryRun' | 'complete' | 'counts' | 'delta' | 'durationMs' | 'workedMs'
    > & {
      continuation: number;
      continued: boolean;
    })
  | { refused: string };

const METRICS: Record<keyof Counts, string> = {
  checked: 'ReconcileChecked',
  created: 'ReconcileCreated',
  updated: 'ReconcileUpdated',
  tombstoned: 'ReconcileTombstoned',
  unchanged: 'ReconcileUnchanged',
  failed: 'ReconcileFailed',
};

export const onReconcileSchedule =
  ({ engine, continueWith, log, metrics, settings }: ScheduledRunDeps) =>
  async (event: unknown, context: { getRemainingTimeInMillis(): number }): Promise<ScheduledRunSummary> => {
    let request: Required<Pick<ReconcileRequest, 'mode' | 'dryRun' | 'continuation'>> & {
      checkpoint?: Checkpoint;
    };
    try {
      request = readRequest(event);
    } catch (error) {
      // A payload that can never be valid: retrying it would fail the same way.
      log.error('reconcile request refused', { error: errorName(error), reason: (error as Error).message });
      metrics.addMetric('ReconcileRefused', MetricUnit.Count, 1);
      return { refused: (error as Error).message };
    }
    const checkpoints = memoryCheckpointStore(request.checkpoint);
    let result: ReconcileResult;
    try {
      result = await runReconcile(
        { ...engine, checkpoints },
        {
          mode: request.mode,
          dryRun: request.dryRun,
          rates: settings.rates,
          concurrency: settings.concurrency,
          shouldStop: () => context.getRemainingTimeInMillis() < settings.stopWhenRemainingMs,
          onFailure: (failure) => log.warn('user not reconciled', failure),
        },
      );
    } catch (error) {
      // The listing itself failed past the SDK's retries. The next scheduled run starts over; nothing is lost.
      log.error('reconcile aborted', {
        mode: request.mode,
        error: errorName(error),
        continuation: request.continuation,
      });
      metrics.addMetric('ReconcileAborted', MetricUnit.Count, 1);
      throw error;
    }

    if (!result.dryRun) {
      for (const [key, name] of Object.entries(METRICS)) {
        metrics.addMetric(name, MetricUnit.Count, result.delta[key as keyof Counts]);
      }
    }
    const next = request.continuation + 1;
    const continuing =
      !result.complete && result.checkpoint !== undefined && next <= settings.maxContinuations;
    const summary = {
      mode: result.mode,
      dryRun: result.dryRun,
      complete: result.complete,
      counts: result.counts,
      delta: result.delta,
      durationMs: result.durationMs,
      workedMs: result.workedMs,
      continuation: request.continuation,
      continued: continuing,
    };
    // The one summary line of the invocation: counts and durations only.
    const message = result.complete ? 'reconcile finished' : 'reconcile paused';
    if (result.counts.failed > 0) log.error(`${message} with failures`, summary);
    else log.info(message, summary);

    if (!result.complete && !continuing) {
      log.error('reconcile abandoned: too many continuations', {
        mode: result.mode,
        continuation: request.continuation,
      });
      metrics.addMetric('ReconcileAbandoned', MetricUnit.Count, 1);
    }
    if (continuing && result.checkpoint) {
      try {
        await continueWith(
          fitPayload(
            { mode: result.mode, dryRun: result.dryRun, checkpoint: result.checkpoint, continuation: next },
            settings,
            log,
          ),
        );
      } catch (error) {
        // Thrown, so Lambda's retry runs this invocation's request again (from its own, earlier checkpoint).
        log.error('reconcile could not continue', {
          error: errorName(error),
          continuation: request.continuation,
        });
        metrics.addMetric('ReconcileContinuationFailed', MetricUnit.Count, 1);
        throw error;
      }
    }
    return summary;
  };

function readRequest(event: unknown): Required<Pick<ReconcileRequest, 'mode' | 'dryRun' | 'continuation'>> & {
  checkpoint?: Checkpoint;
} {
  const body =
    typeof event === 'object' && event !== null ? (event as ReconcileRequest & { source?: unknown }) : {};
  // A schedule delivers its own event shape (source aws.events / aws.scheduler): a plain reconcile.
  const checkpoint = body.checkpoint === undefined ? undefined : parseCheckpoint(body.checkpoint);
  const mode = body.mode ?? checkpoint?.mode ?? 'reconcile';
  if (mode !== 'reconcile' && mode !== 'backfill') throw new RangeError('mode must be reconcile or backfill');
  const continuation = Number.isInteger(body.continuation) ? Number(body.continuation) : 0;
  return { mode, dryRun: body.dryRun === true || checkpoint?.dryRun === true, checkpoint, continuation };
}

/** Keeps the continuation payload within an asynchronous invocation's limit by dropping the seen set if needed. */
function fitPayload(
  request: ReconcileRequest,
  settings: ScheduledRunSettings,
  log: Pick<Logger, 'warn'>,
): ReconcileRequest {
  if (Buffer.byteLength(JSON.stringify(request)) <= settings.maxPayloadBytes || !request.checkpoint)
    return request;
  log.warn('continuing without the seen set: the table phase will confirm every record with AdminGetUser', {
    seen: request.checkpoint.seen?.length ?? 0,
  });
  return { ...request, checkpoint: { ...request.checkpoint, seen: undefined } };
}
