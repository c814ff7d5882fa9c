// Domain errors of the record package; callers tell them apart by `name`, the same way they treat AWS errors.

/**
 * A record, table item or stream image that does not have the shape this reader understands (missing or
 * mistyped field, or a newer schema). Permanent: retrying the same input can never succeed.
 * The message names the field and the rule, never the value, because values are user attributes (PII).
 */
export class RecordFormatError extends Error {
  override readonly name: string = 'RecordFormatError';
  readonly field: string;

  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.field = field;
  }
}

/**
 * A record of a newer schema than this reader understands. Not a bad record: a reader to be upgraded. Consumers
 * hold such records back (and alarm) instead of discarding them.
 */
export class UnsupportedSchemaError extends RecordFormatError {
  override readonly name = 'UnsupportedSchemaError';
}

/**
 * The conditional write of a snapshot lost the race against other writers too many times in a row.
 * Transient: the caller (or its event source) should retry later.
 */
export class ConcurrentWriteError extends Error {
  override readonly name = 'ConcurrentWriteError';

  constructor(attempts: number) {
    super(`record changed under every one of ${attempts} conditional writes; retry later`);
  }
}

/** The `name` of a thrown value, which is how AWS SDK v3 errors are told apart (never by message text). */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name: unknown }).name)
    : undefined;
}

/** Whether a thrown value is one of the named errors. */
export function isErrorNamed(error: unknown, ...names: string[]): boolean {
  const name = errorName(error);
  return name !== undefined && names.includes(name);
}

/**
 * The names AWS gives "slow down": Cognito's (TooManyRequestsException; LimitExceededException when too many attempts
 * come too fast), DynamoDB's (ProvisionedThroughputExceededException) and the SDK's generic ones. The one list every
 * pacer, retry and HTTP answer reads.
 */
export const THROTTLING_ERRORS: readonly string[] = [
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
];

/** Whether a thrown value is throttling: the same call may succeed once the caller slows down. */
export function isThrottling(error: unknown): boolean {
  return isErrorNamed(error, ...THROTTLING_ERRORS);
}
