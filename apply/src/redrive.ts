// Re-applies the users the dead-letter queue names and removes the messages it handled: the records this replica
// parked (they name their user) and the batches the event source mapping gave up on (they only point into the
// stream, which forgets them after 24 hours, so their users are found in the table by when they changed).
import { errorName } from '@cognito-dr/shared';
import type { ApplyResult } from './apply-record';

export interface DeadLetterMessage {
  /** Unique within one read; what `remove` takes back. */
  id: string;
  body: string;
}

/** The dead-letter queue (SQS in AWS, the local stack's JSON-lines files). */
export interface DeadLetterSource {
  /** Every message now waiting. */
  read(): Promise<DeadLetterMessage[]>;
  /** Deletes messages returned by `read`. */
  remove(ids: string[]): Promise<void>;
}

/** What a message asks for: users by name, or users by the time window in which their records changed. */
export type RedriveRequest =
  | { kind: 'users'; usernames: string[] }
  | { kind: 'window'; from: number; to: number }
  | { kind: 'unreadable'; reason: string };

/**
 * A batch's records reached the stream between its first and last approximate arrival; a record's updatedAt
 * (when its snapshot was read in the primary) precedes its arrival in this region by the capture and the
 * replication, seconds normally. The margins make room for slow ones and for clock differences.
 */
export const WINDOW_MARGIN_BEFORE_MS = 15 * 60_000;
export const WINDOW_MARGIN_AFTER_MS = 60_000;
/** The stream keeps records 24 hours: a batch without arrival times holds nothing older than that. */
const STREAM_RETENTION_MS = 24 * 3_600_000;

/** Reads one message: a parked record (this replica's) or an on-failure record (the event source mapping's). */
export function redriveRequestOf(body: string): RedriveRequest {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
  if (message?.kind === 'cognito-dr/parked-record') {
    return typeof message.username === 'string' && message.username !== ''
      ? { kind: 'users', usernames: [message.username] }
      : { kind: 'unreadable', reason: 'a parked record without a key names no user' };
  }
  const batch = message?.DDBStreamBatchInfo as Record<string, unknown> | undefined;
  if (batch && typeof batch === 'object') {
    const first = Date.parse(String(batch.approximateArrivalOfFirstRecord ?? ''));
    const last = Date.parse(String(batch.approximateArrivalOfLastRecord ?? ''));
    if (Number.isFinite(first) && Number.isFinite(last)) {
      return { kind: 'window', from: first - WINDOW_MARGIN_BEFORE_MS, to: last + WINDOW_MARGIN_AFTER_MS };
    }
    const failedAt = Date.parse(String(message.timestamp ?? ''));
    if (Number.isFinite(failedAt)) {
      return { kind: 'window', from: failedAt - STREAM_RETENTION_MS - WINDOW_MARGIN_BEFORE_MS, to: failedAt };
    }
    return { kind: 'unreadable', reason: 'an on-failure record without times' };
  }
  return { kind: 'unreadable', reason: 'neither a parked record nor an on-failure record' };
}

export interface RedriveDeps {
  source: DeadLetterSource;
  /** Converges the backup user to its table record; resolves undefined when the table has no record of it. */
  reapply: (username: string) => Promise<ApplyResult | undefined>;
  /** Usernames whose records' updatedAt falls in [from, to] (the table, read once per run). */
  usersChangedBetween: (from: number, to: number) => Promise<string[]>;
}

export interface RedriveReport {
  messages: number;
  /** Messages whose every user now matches the table (deleted unless a dry run). */
  handled: number;
  removed: number;
  /** Messages kept: one of their users still fails, or they could not be read. */
  kept: number;
  unreadable: { id: string; reason: string }[];
  users: {
    /** A dry run's users: the ones a run would re-apply. */
    planned: string[];
    /** The backup user was changed to match its record. */
    applied: string[];
    /** Already matched its record. */
    unchanged: string[];
    /** No record in the table: nothing to apply (a parked record that never reached it, or one long expired). */
    withoutRecord: string[];
    failed: { username: string; errorName: string }[];
  };
}

/**
 * Re-applies every user the messages name (each once), then removes the messages all of whose users converged.
 * A dry run reads the messages and finds their users, applies nothing and removes nothing.
 */
export async function redrive(deps: RedriveDeps, options: { dryRun: boolean }): Promise<RedriveReport> {
  const messages = await deps.source.read();
  const report: RedriveReport = {
    messages: messages.length,
    handled: 0,
    removed: 0,
    kept: 0,
    unreadable: [],
    users: { planned: [], applied: [], unchanged: [], withoutRecord: [], failed: [] },
  };
  const usersOf = new Map<string, string[]>();
  for (const message of messages) {
    const request = redriveRequestOf(message.body);
    if (request.kind === 'unreadable') report.unreadable.push({ id: message.id, reason: request.reason });
    else if (request.kind === 'users') usersOf.set(message.id, request.usernames);
    else usersOf.set(message.id, await deps.usersChangedBetween(request.from, request.to));
  }

  const outcome = new Map<string, boolean>();
  for (const username of new Set([...usersOf.values()].flat())) {
    if (options.dryRun) {
      report.users.planned.push(username);
      continue;
    }
    try {
      const result = await deps.reapply(username);
      if (result === undefined) report.users.withoutRecord.push(username);
      else if (result.outcome === 'unchanged' || result.outcome.startsWith('skipped')) {
        report.users.unchanged.push(username);
      } else report.users.applied.push(username);
      outcome.set(username, true);
    } catch (error) {
      report.users.failed.push({ username, errorName: errorName(error) ?? 'Error' });
      outcome.set(username, false);
    }
  }

  const handled = [...usersOf].filter(([, usernames]) => usernames.every((u) => outcome.get(u) === true));
  report.handled = handled.length;
  report.kept = messages.length - report.handled;
  if (handled.length > 0) {
    await deps.source.remove(handled.map(([id]) => id));
    report.removed = handled.length;
  }
  return report;
}
