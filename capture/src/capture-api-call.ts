// Out-of-band capture: a Cognito API call recorded by CloudTrail (a user editing their own profile, the console,
// another tool) is a signal to re-read that user from the primary pool and store the snapshot, or a tombstone.
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { errorName, userRef } from '@cognito-dr/shared';
import { type ApiCallSignal, DELETING_CALLS, readApiCallSignal } from './api-call-signal';
import { captureGroup } from './capture-group';
import { type CaptureDeps, type CaptureResult, captureUser } from './capture-user';
import { usernameForSub, usernameOfRecordWithSub } from './find-user';

export interface ApiCallDeps extends CaptureDeps {
  /**
   * This pool's region. Events of any other region are ignored: above all the other region's applier writing its
   * own pool, which must never come back as records of this region.
   */
  region: string;
  /** Whether this region is the active one (region roles): a standby pool's changes are not captured. */
  isActive: () => Promise<boolean>;
  /** The username a pool's own sub was remembered for (pool-subs.ts): users whose record names their home sub. */
  usernameOfPoolSub?: (sub: string) => Promise<string | undefined>;
}

export type ApiCallOutcome =
  | { outcome: 'captured'; eventName: string; result: CaptureResult['result'] }
  | { outcome: 'ignored'; reason: string; eventName?: string }
  | { outcome: 'unresolved'; eventName: string }
  | { outcome: 'malformed'; reason: string }
  | { outcome: 'failed'; eventName: string; error: string };

/** Errors that retrying the same event cannot fix; everything else is rethrown for Lambda's bounded retries. */
const PERMANENT_ERRORS = ['RecordFormatError', 'UnsupportedSchemaError'];

export const onCognitoApiCall =
  (deps: ApiCallDeps, log: Pick<Logger, 'info' | 'warn' | 'error'>, count: Pick<Metrics, 'addMetric'>) =>
  async (event: unknown): Promise<ApiCallOutcome> => {
    const signal = readApiCallSignal(event);
    if (signal.kind === 'malformed') {
      // Only the rule that failed is logged: the event itself may carry attribute values.
      log.warn('unreadable Cognito API call event ignored', { reason: signal.reason });
      count.addMetric('ApiCallMalformed', MetricUnit.Count, 1);
      return { outcome: 'malformed', reason: signal.reason };
    }
    if (signal.kind === 'ignored') return ignored(count, signal.reason, signal.eventName);
    if (signal.region !== deps.region) return ignored(count, 'other-region', signal.eventName);
    if (signal.userPoolId !== undefined && signal.userPoolId !== deps.userPoolId) {
      return ignored(count, 'other-pool', signal.eventName);
    }
    // Rethrown if the roles cannot be read: Lambda retries the event rather than guessing either way.
    if (!(await deps.isActive())) return ignored(count, 'standby-region', signal.eventName);

    const started = deps.now();
    // Group names are schema the administrators chose, not user data: they may be logged. Users only as userRef.
    const subject: { group?: string; user?: string } =
      signal.kind === 'group'
        ? { group: signal.groupName }
        : { user: signal.username ? userRef(signal.username) : undefined };
    try {
      let stored: { result: CaptureResult['result']; version?: number };
      if (signal.kind === 'group') {
        stored = await captureGroup(deps, signal.groupName);
      } else {
        const username = await resolveUsername(deps, signal);
        if (!username) {
          // A sub that is in neither this pool nor the table: another pool of the region (token calls do not say
          // which pool), or a user already gone. Nothing to capture; the reconciler covers anything missed.
          log.info('API call for a user this pool does not know', { event: signal.eventName });
          count.addMetric('ApiCallUnresolved', MetricUnit.Count, 1);
          return { outcome: 'unresolved', eventName: signal.eventName };
        }
        subject.user = userRef(username);
        stored = await captureUser(deps, username);
      }
      log.info(`${signal.kind} captured after an API call`, {
        ...subject,
        event: signal.eventName,
        result: stored.result,
        version: stored.version,
        ms: deps.now() - started,
      });
      count.addMetric('ApiCallCaptured', MetricUnit.Count, 1);
      return { outcome: 'captured', eventName: signal.eventName, result: stored.result };
    } catch (error) {
      const name = errorName(error) ?? 'unknown';
      log.error(`${signal.kind === 'group' ? 'group ' : ''}capture after an API call failed`, {
        ...subject,
        event: signal.eventName,
        error: name,
      });
      count.addMetric('ApiCallFailed', MetricUnit.Count, 1);
      if (PERMANENT_ERRORS.includes(name))
        return { outcome: 'failed', eventName: signal.eventName, error: name };
      // Transient (throttling, timeouts, lost write races): Lambda retries the event a bounded number of times.
      throw error;
    }
  };

async function resolveUsername(
  deps: ApiCallDeps,
  signal: Extract<ApiCallSignal, { kind: 'user' }>,
): Promise<string | undefined> {
  if (signal.username) return signal.username;
  if (!signal.sub) return undefined;
  // Usernames never change, so a record holding this sub names the user. Asking the table's index first keeps a
  // burst of sign-ups (each confirmation is an event) off ListUsers, whose quota is shared by the whole pool.
  const recorded = await usernameOfRecordWithSub(deps.table, deps.tableName, signal.sub);
  if (recorded) return recorded;
  // A user born in the other region's pool: the table names them by their home sub, this pool's sub was remembered.
  const remembered = await deps.usernameOfPoolSub?.(signal.sub);
  if (remembered) return remembered;
  // Deleted: only a record could still connect the sub to a username, and there is none.
  if (DELETING_CALLS.includes(signal.eventName)) return undefined;
  // Not captured yet (or the index has not caught up): the pool knows.
  return usernameForSub(deps.cognito, deps.userPoolId, signal.sub);
}

function ignored(count: Pick<Metrics, 'addMetric'>, reason: string, eventName?: string): ApiCallOutcome {
  count.addMetric('ApiCallIgnored', MetricUnit.Count, 1);
  return { outcome: 'ignored', reason, eventName };
}
