// What a route core is (a function of its dependencies answering one validated request), and the step every
// changing route shares: change the pool, then rewrite the user's record from a fresh read.
import type { StoreResult } from '@cognito-dr/shared';
import { CaptureFailedError, NotFoundError } from './errors';
import type { BackupPool, Capture, PrimaryPool, RecordReader } from './pool';
import { presentRecord, presentRecordState, type RecordView, type UserView } from './present-user';

export interface AdminDeps {
  pool: PrimaryPool;
  capture: Capture;
  records: RecordReader;
  backup: BackupPool;
}

export interface RouteRequest {
  /** API Gateway's path parameters, already URL-decoded; untrusted. */
  params: Record<string, string | undefined>;
  /** The parsed JSON body, or undefined when there was none; untrusted. */
  body: unknown;
}

export interface RouteResult {
  statusCode: 200 | 201 | 204;
  body?: unknown;
  /** Ids and outcomes for the access log (never attribute values). */
  note?: Record<string, unknown>;
}

export type Route = (request: RouteRequest) => Promise<RouteResult>;

/** A changing route's answer: the user as the table now records it. */
export interface ChangedUser {
  user: UserView;
  record: RecordView;
}

/**
 * Runs a change to the pool, then captures the user into the table, whether the change worked or not: a change
 * that failed halfway (a timeout, a create whose group step failed) may still have changed the pool, and a
 * replayed request (a create answered 409, a delete answered 404) converges the table that way too. Only when
 * the capture succeeds does the change's own outcome decide the answer; a failed capture is a CaptureFailedError,
 * never a success.
 */
export async function changeThenCapture(
  capture: Capture,
  username: string,
  change: () => Promise<void>,
  { userMustExist = true }: { userMustExist?: boolean } = {},
): Promise<StoreResult> {
  let failure: { error: unknown } | undefined;
  try {
    await change();
  } catch (error) {
    failure = { error };
  }
  let captured: StoreResult;
  try {
    captured = await capture(username);
  } catch (error) {
    throw new CaptureFailedError(error);
  }
  if (failure) {
    // The capture has just read the pool: if the user is not there, that is the answer, whatever error the
    // change gave (Cognito says UserNotFoundException; the local emulator's AdminUpdateUserAttributes says
    // NotAuthorizedException).
    if (userMustExist && isGone(captured)) throw NotFoundError.user();
    throw failure.error;
  }
  return captured;
}

function isGone({ record }: StoreResult): boolean {
  return !record || record.deleted === true;
}

/** The user after a change, from the record the capture left in the table; 404 if the user has gone since. */
export function changedUser(captured: StoreResult): ChangedUser {
  const { record } = captured;
  if (!record || isGone(captured)) throw NotFoundError.user();
  return { user: presentRecord(record), record: presentRecordState(record) };
}

export function captureNote(captured: StoreResult): Record<string, unknown> {
  return { capture: captured.result, version: captured.version };
}
