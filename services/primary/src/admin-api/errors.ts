// Domain errors of the admin API; http-errors.ts turns each into its status and a body that names the field.

/**
 * The request was refused before anything was changed. The message names the field and the rule broken, never
 * the value, because values are user attributes (PII) and may be hostile.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly field: string;
  /** 400 unless the rule is about the body's size (413) or media type (415). */
  readonly statusCode: 400 | 413 | 415;

  constructor(field: string, rule: string, statusCode: 400 | 413 | 415 = 400) {
    super(`${field}: ${rule}`);
    this.field = field;
    this.statusCode = statusCode;
  }
}

/** The user or group the request names does not exist (any more) in the primary pool. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly field: string;

  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.field = field;
  }

  static user(): NotFoundError {
    return new NotFoundError('username', 'no such user in the primary pool');
  }

  static group(field: 'group' | 'groups'): NotFoundError {
    return new NotFoundError(field, 'no such group in the primary pool');
  }
}

/** This region is on standby (failed over): its pool is not the one users are served by. Nothing was changed. */
export class RegionStandbyError extends Error {
  override readonly name = 'RegionStandbyError';

  constructor() {
    super(
      'this region is on standby after a failover: make changes in the active region, or fail back first',
    );
  }
}

/**
 * The pool was (or may have been) changed, but the replication table could not be brought up to date. The caller
 * gets an error, never a success, and may retry: every route is safe to replay. The reconciler repairs the record
 * if nobody does.
 */
export class CaptureFailedError extends Error {
  override readonly name = 'CaptureFailedError';

  constructor(cause: unknown) {
    super('capture into the replication table failed', { cause });
  }
}
