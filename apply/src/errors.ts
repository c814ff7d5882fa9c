// Sorts apply failures into transient (retry the stream record), blocking (a reader or configuration to fix: hold
// the record back and alarm) and permanent (a bad record: park it and move on).
import { errorName, NETWORK_CODES, THROTTLING_ERRORS } from '@cognito-dr/shared';

export type FailureKind = 'transient' | 'blocking' | 'permanent';

/**
 * The backup user kept changing under the convergence loop (someone else is writing it). Transient: by the next
 * attempt the other writer has most likely finished.
 */
export class ConvergenceConflictError extends Error {
  override readonly name = 'ConvergenceConflictError';

  constructor(rounds: number) {
    super(`backup user changed during each of ${rounds} convergence rounds`);
  }
}

/** Throttling, service-side faults and our own lost races: the same call can succeed a moment later. */
const TRANSIENT_NAMES = new Set([
  ...THROTTLING_ERRORS,
  'InternalErrorException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ConcurrentWriteError',
  'ConvergenceConflictError',
  'DeadlineExceededError',
  // A trigger of the pool (the backup pool's PreSignUp, run by every SignUp of the replicator) timed out or could
  // not be invoked: Lambda was throttled or slow to start, not the record wrong.
  'UnexpectedLambdaException',
]);

/**
 * Nothing is wrong with the record; something is wrong with us: a record of a newer schema than this reader, a
 * permission or configuration mistake (a missing pool, client or table, a refused secret, a trigger refusing the
 * replicator). Parking would brand good records as bad; they wait for the fix instead.
 */
const BLOCKING_NAMES = new Set([
  'UnsupportedSchemaError',
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ResourceNotFoundException',
  'NotAuthorizedException',
  'UserLambdaValidationException',
  'InvalidLambdaResponseException',
  'ReplicatorClientError',
  'IdentityProviderMissingError',
  'ConfigError',
  'MissingImageError',
]);

/**
 * Transient failures are reported back to the stream so the record is retried in order; blocking ones are
 * reported back too, and alarmed on. Everything else is permanent (InvalidParameterException, a malformed record,
 * a bug) and is parked, because retrying it would only hold up every record behind it on the shard. Parked records
 * can be redriven.
 */
export function classifyError(error: unknown): FailureKind {
  const name = errorName(error);
  if (name !== undefined && TRANSIENT_NAMES.has(name)) return 'transient';
  if (name !== undefined && BLOCKING_NAMES.has(name)) return 'blocking';
  if (typeof error !== 'object' || error === null) return 'permanent';
  const details = error as { code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof details.code === 'string' && NETWORK_CODES.has(details.code)) return 'transient';
  // The SDK marks errors it considers retryable (throttles, clock skew, transient faults).
  if (details.$retryable) return 'transient';
  const status = details.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return 'transient';
  return 'permanent';
}
