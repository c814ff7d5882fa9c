// The PostConfirmation trigger's core (sign-up confirmed, or password reset confirmed): captures the user's full
// snapshot into the replication table, from where it reaches the other region's pool.
//
// It never fails the trigger. In AWS a PostConfirmation error is shown to the user as a failed confirmation
// although Cognito has already confirmed them, so throwing would only break sign-up and protect nothing. A
// capture that fails is logged and counted (CaptureFailed, alarmed) and the reconciler writes the record later.
// Only the active region captures: a standby pool's confirmations are the replicator's own sign-ups.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { errorName, userRef } from '@cognito-dr/shared';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { type CaptureDeps, captureUser } from './capture-user';

export interface PostConfirmationDeps extends Omit<CaptureDeps, 'userPoolId'> {
  /** Whether this region is the active one (region roles). */
  isActive: () => Promise<boolean>;
  /** Runs before the capture, e.g. to finish a migration (groups) before the user is recorded. Must not throw. */
  beforeCapture?: (event: PostConfirmationTriggerEvent) => Promise<unknown>;
  /** Notes a confirmed password reset (for the failback report); a failure is logged, never fails the trigger. */
  noteReset?: (username: string) => Promise<void>;
}

export const onPostConfirmation =
  (deps: PostConfirmationDeps, log: Pick<Logger, 'info' | 'error'>, count: Pick<Metrics, 'addMetric'>) =>
  async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
    const user = userRef(event.userName);
    const started = deps.now();
    try {
      if (!(await deps.isActive())) {
        count.addMetric('CaptureSkippedStandby', MetricUnit.Count, 1);
        return event;
      }
      await deps.beforeCapture?.(event);
      const { result, version } = await captureUser(
        { ...deps, userPoolId: event.userPoolId },
        event.userName,
      );
      log.info('user captured', {
        user,
        trigger: event.triggerSource,
        result,
        version,
        ms: deps.now() - started,
      });
      count.addMetric('UsersCaptured', MetricUnit.Count, 1);
      if (event.triggerSource === 'PostConfirmation_ConfirmForgotPassword' && deps.noteReset) {
        await deps
          .noteReset(event.userName)
          .catch((error: unknown) =>
            log.error('password reset not noted', { user, error: errorName(error) ?? 'unknown' }),
          );
      }
    } catch (error) {
      log.error('capture failed; the reconciler will repair the record', {
        user,
        trigger: event.triggerSource,
        error: errorName(error) ?? 'unknown',
      });
      count.addMetric('CaptureFailed', MetricUnit.Count, 1);
    }
    return event;
  };
