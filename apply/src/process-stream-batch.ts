// Turns one batch of replication-table stream records into backup-pool changes, per user, with partial-failure reporting.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  errorName,
  groupNameOfKey,
  groupRecordFromImage,
  isGroupKey,
  RecordFormatError,
  recordFromImage,
  signInIdentifiers,
  TABLE_KEY,
  type UserRecord,
  userRef,
} from '@cognito-dr/shared';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { GroupApplyResult, GroupChange } from './apply-group';
import type { ApplyResult, RecordChange } from './apply-record';
import { createLimiter } from './concurrency';
import type { DeadLetterEntry, DeadLetterSink } from './dead-letter';
import { classifyError } from './errors';

/** The slice of Powertools Logger used here; tests pass a recorder. */
export type BatchLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** The slice of Powertools Metrics used here. */
export interface BatchMetrics {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void;
}

export interface StreamBatchDeps {
  /** `known` is the user's table record from the batch's read (null: none), undefined when that read missed it. */
  apply: (change: RecordChange, known?: UserRecord | null) => Promise<ApplyResult>;
  /** Applies a group record (the table's second kind of item). Unset: group records are skipped. */
  applyGroup?: (change: GroupChange) => Promise<GroupApplyResult>;
  /**
   * Reads the table records of some of the batch's users at once (a BatchGetItem instead of a read per user).
   * Users it leaves out, or all of them if it fails, are read by `apply` itself.
   */
  readRecords?: (usernames: string[]) => Promise<Map<string, UserRecord | null>>;
  deadLetter: DeadLetterSink;
  logger: BatchLogger;
  metrics: BatchMetrics;
  now: () => number;
  /** Users converged at the same time. */
  concurrency?: number;
  /** Milliseconds left in this invocation (Lambda's getRemainingTimeInMillis). Absent: no deadline. */
  timeLeftMs?: () => number;
  /** No user is started with less time than this left; they are reported back to the stream instead. */
  stopMarginMs?: number;
  /** The call governor's current rates, for the batch's log line. */
  pacing?: () => unknown;
}

/**
 * Enough parallelism to hide each call's latency: at 50 calls/s (UserCreation) and some 300 ms per SignUp, its
 * PreSignUp trigger included, 15 users are in flight; twice that leaves room for slow calls and retries. Keeping
 * under the quotas is not this number's job: the Cognito client's governor paces every call.
 */
export const DEFAULT_CONCURRENCY = 32;

type Fate =
  | { kind: 'applied'; result: ApplyResult | GroupApplyResult }
  | { kind: 'skipped'; reason: string }
  | { kind: 'parked' }
  | { kind: 'failed'; error: unknown }
  /** A newer schema, a permission or configuration error: reported back, never parked, and alarmed on. */
  | { kind: 'blocked'; error: unknown }
  /** Not started: too little time left in the invocation. Reported back, like a failure. */
  | { kind: 'deferred' };

/** Enough for the slowest user once started: a few calls, each with its bounded retries. */
const DEFAULT_STOP_MARGIN_MS = 10_000;

/** A user that was not started because the invocation was running out of time. */
class NotStartedError extends Error {
  override readonly name = 'NotStartedError';
}

/** Thrown for each record reported back to the stream; carries only the original error's name. */
class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

/**
 * Processes the batch and returns the records the stream must redeliver.
 *
 * Records are grouped by user. Each record is a full snapshot and applying one reads the table anyway, so only
 * the newest record of a user in the batch is applied; older ones are skipped as coalesced. Different users
 * converge in parallel (bounded).
 *
 * A transient failure reports every record of that user: the stream resumes from the lowest reported sequence
 * number, so none of that user's later records can be applied ahead of the one that failed. A blocking failure
 * (a newer schema, a permission or configuration error) is reported the same way and counted as RecordsBlocked,
 * which alarms: the record is fine, the reader or its setup needs fixing. A permanent failure is parked in the
 * dead-letter sink and not reported, so it never holds up the records behind it; if parking fails too, the user's
 * records are reported after all.
 */
export async function processStreamBatch(
  event: DynamoDBStreamEvent,
  deps: StreamBatchDeps,
): Promise<DynamoDBBatchResponse> {
  const started = deps.now();
  const limit = createLimiter(deps.concurrency ?? DEFAULT_CONCURRENCY);
  const groups = groupByUser(event.Records);
  const known = readBatchRecords(groups, deps);
  const settled = new Map<string, Promise<Map<DynamoDBRecord, Fate>>>();
  const fates = new Map<DynamoDBRecord, Fate>();

  const fateOf = async (record: DynamoDBRecord): Promise<Fate> => {
    const key = groupKey(record, event.Records.indexOf(record));
    let pending = settled.get(key);
    if (!pending) {
      pending = limit(() => settleUser(groups.get(key) ?? [record], known, deps));
      settled.set(key, pending);
    }
    const fate = (await pending).get(record) ?? { kind: 'failed', error: new Error('record lost its fate') };
    fates.set(record, fate);
    return fate;
  };

  // Group records first: a member's group then exists, as its record describes it, before the member joins it.
  await Promise.all(event.Records.filter((record) => isGroupKey(usernameOf(record) ?? '')).map(fateOf));

  const response = await processPartialResponse(
    event,
    async (record: DynamoDBRecord) => {
      const fate = await fateOf(record);
      if (fate.kind === 'failed' || fate.kind === 'blocked') {
        throw new RetryLaterError(errorName(fate.error) ?? 'Error');
      }
      if (fate.kind === 'deferred') throw new NotStartedError('not started before the deadline');
    },
    new BatchProcessor(EventType.DynamoDBStreams),
    // A batch in which every user was throttled is routine, not a crash: answer with the list, do not throw.
    { throwOnFullBatchFailure: false },
  );

  const counts = { applied: 0, skipped: 0, parked: 0, failed: 0, blocked: 0, deferred: 0 };
  for (const fate of fates.values()) counts[fate.kind]++;
  deps.metrics.addMetric('RecordsApplied', MetricUnit.Count, counts.applied);
  deps.metrics.addMetric('RecordsSkipped', MetricUnit.Count, counts.skipped);
  deps.metrics.addMetric('RecordsParked', MetricUnit.Count, counts.parked);
  deps.metrics.addMetric('RecordsFailed', MetricUnit.Count, counts.failed);
  deps.metrics.addMetric('RecordsDeferred', MetricUnit.Count, counts.deferred);
  // The replica's ApplyBlockedAlarm fires on any.
  deps.metrics.addMetric('RecordsBlocked', MetricUnit.Count, counts.blocked);
  deps.logger.info('batch processed', {
    records: event.Records.length,
    users: groups.size,
    ...counts,
    durationMs: deps.now() - started,
    ...(deps.pacing ? { pacing: deps.pacing() } : {}),
  });
  return response;
}

/** Stream order is preserved within each group (Map and push keep insertion order). */
function groupByUser(records: DynamoDBRecord[]): Map<string, DynamoDBRecord[]> {
  const groups = new Map<string, DynamoDBRecord[]>();
  records.forEach((record, index) => {
    const key = groupKey(record, index);
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  });
  return groups;
}

function usernameOf(record: DynamoDBRecord): string | undefined {
  return record.dynamodb?.Keys?.[TABLE_KEY]?.S || undefined;
}

/** A record without a key cannot be grouped with anything, so it is a group of its own. */
function groupKey(record: DynamoDBRecord, index: number): string {
  const username = usernameOf(record);
  return username === undefined ? `\u0000unkeyed:${index}` : `user:${username}`;
}

/**
 * Users per table read. A batch's users are read in chunks that all start at once, and each user is applied as
 * soon as its own chunk has landed, so the first users do not wait for a read of the whole batch.
 */
export const READ_CHUNK = 25;

/** A pending read of each user's table record; undefined when the read missed the user or failed. */
type KnownRecords = Map<string, Promise<UserRecord | null | undefined>>;

function readBatchRecords(groups: Map<string, DynamoDBRecord[]>, deps: StreamBatchDeps): KnownRecords {
  const known: KnownRecords = new Map();
  const { readRecords } = deps;
  if (!readRecords) return known;
  const usernames = [...groups.values()]
    .map((records) => usernameOf(records[0] as DynamoDBRecord))
    .filter((username): username is string => username !== undefined && !isGroupKey(username));
  let warned = false;
  for (let start = 0; start < usernames.length; start += READ_CHUNK) {
    const chunk = usernames.slice(start, start + READ_CHUNK);
    const read = readRecords(chunk).catch((error: unknown) => {
      if (!warned)
        deps.logger.warn('batch read of records failed, reading per user', { errorName: errorName(error) });
      warned = true;
      return new Map<string, UserRecord | null>();
    });
    for (const username of chunk)
      known.set(
        username,
        read.then((records) => records.get(username)),
      );
  }
  return known;
}

async function settleUser(
  records: DynamoDBRecord[],
  known: KnownRecords,
  deps: StreamBatchDeps,
): Promise<Map<DynamoDBRecord, Fate>> {
  const fates = new Map<DynamoDBRecord, Fate>();
  const margin = deps.stopMarginMs ?? DEFAULT_STOP_MARGIN_MS;
  if (deps.timeLeftMs && deps.timeLeftMs() < margin) {
    // Starting now could run past the deadline, and Lambda would then fail the whole batch.
    return new Map(records.map((record) => [record, { kind: 'deferred' }]));
  }
  // The newest snapshot covers the older ones; a REMOVE is only chosen when there is nothing else.
  const chosen =
    records.filter((record) => record.eventName !== 'REMOVE').at(-1) ?? (records.at(-1) as DynamoDBRecord);
  const others = records.filter((record) => record !== chosen);
  const username = usernameOf(chosen);
  const ref = username === undefined ? undefined : userRef(username);
  const started = deps.now();
  try {
    const result =
      username !== undefined && isGroupKey(username)
        ? await (deps.applyGroup?.(groupChangeFrom(chosen, username)) ?? {
            outcome: 'skipped-group' as const,
          })
        : await deps.apply(
            { ...changeFrom(chosen), alsoKnownAs: identifiersIn(records) },
            username === undefined ? undefined : await known.get(username),
          );
    const fate: Fate = result.outcome.startsWith('skipped')
      ? { kind: 'skipped', reason: result.outcome }
      : { kind: 'applied', result };
    fates.set(chosen, fate);
    for (const record of others) fates.set(record, { kind: 'skipped', reason: 'coalesced' });
    if (result.outcome === 'deleted' && username !== undefined && isGroupKey(username)) {
      // A deleted group takes every membership of the standby pool's group with it: worth an alarm of its own.
      deps.metrics.addMetric('GroupsDeleted', MetricUnit.Count, 1);
      deps.logger.warn('group deleted from the standby pool, as in the active pool', {
        group: groupNameOfKey(username),
        version: result.version,
      });
    }
    if (fate.kind === 'applied' && result.outcome !== 'unchanged' && result.lagMs !== undefined) {
      deps.metrics.addMetric('ReplicationLag', MetricUnit.Milliseconds, result.lagMs);
    }
    deps.logger.info(fate.kind === 'skipped' ? 'record skipped' : 'user converged', {
      user: ref,
      outcome: result.outcome,
      version: result.version,
      operations: result.operations,
      lagMs: result.lagMs,
      coalesced: others.length,
      durationMs: deps.now() - started,
    });
    return fates;
  } catch (error) {
    const kind = classifyError(error);
    const logged = { user: ref, errorName: errorName(error), ...safeDetail(error), records: records.length };
    if (kind === 'transient') {
      deps.logger.warn('transient failure, records reported for retry', logged);
      return failAll(records, error);
    }
    if (kind === 'blocking') {
      // Reported like a transient failure, so nothing of this user moves past it, and counted for the alarm.
      deps.logger.error('blocked: a reader or configuration to fix, records reported for retry', logged);
      return new Map(records.map((record) => [record, { kind: 'blocked', error }]));
    }
    try {
      await deps.deadLetter.park(deadLetterEntry(chosen, error, deps.now()));
    } catch (parkError) {
      deps.logger.error('permanent failure, parking failed; records reported for retry', {
        ...logged,
        parkErrorName: errorName(parkError),
      });
      return failAll(records, error);
    }
    deps.logger.error('permanent failure, record parked', logged);
    fates.set(chosen, { kind: 'parked' });
    for (const record of others) fates.set(record, { kind: 'skipped', reason: 'coalesced' });
    return fates;
  }
}

function failAll(records: DynamoDBRecord[], error: unknown): Map<DynamoDBRecord, Fate> {
  return new Map(records.map((record) => [record, { kind: 'failed', error }]));
}

/** A group record's stream record as the group applier's input. Image errors surface as RecordFormatError. */
function groupChangeFrom(record: DynamoDBRecord, key: string): GroupChange {
  const change: GroupChange = { groupName: groupNameOfKey(key), eventName: eventNameOf(record) };
  const image = change.eventName === 'REMOVE' ? undefined : record.dynamodb?.NewImage;
  if (!image) return change;
  change.newImage = groupRecordFromImage(image);
  if (change.newImage.groupName !== change.groupName) {
    throw new RecordFormatError('NewImage.groupName', 'does not match the key');
  }
  return change;
}

function eventNameOf(record: DynamoDBRecord): RecordChange['eventName'] {
  const eventName = record.eventName;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
    throw new RecordFormatError('eventName', 'must be INSERT, MODIFY or REMOVE');
  }
  return eventName;
}

/** The stream record as the applier's input. Image errors surface as RecordFormatError (permanent). */
function changeFrom(record: DynamoDBRecord): RecordChange {
  const username = usernameOf(record);
  if (username === undefined)
    throw new RecordFormatError(`Keys.${TABLE_KEY}`, 'missing from the stream record');
  const eventName = eventNameOf(record);
  const change: RecordChange = { username, eventName };
  if (eventName === 'REMOVE') return change;
  const newImage = imageOf(record.dynamodb?.NewImage, 'NewImage', username);
  if (newImage) change.newImage = newImage;
  return change;
}

/**
 * The sign-in identifiers every image of the user's records carries, old and new: where the backup pool finds users
 * by email or phone number, the user it has may still have any of them (a change the batch coalesced). An image
 * that does not parse adds nothing here; the chosen record's own is checked where it counts.
 */
function identifiersIn(records: DynamoDBRecord[]): string[] {
  const identifiers = new Set<string>();
  for (const record of records) {
    for (const image of [record.dynamodb?.OldImage, record.dynamodb?.NewImage]) {
      if (!image) continue;
      try {
        for (const identifier of signInIdentifiers(recordFromImage(image).attributes))
          identifiers.add(identifier);
      } catch {
        // not a record image: nothing to learn from it
      }
    }
  }
  return [...identifiers];
}

function imageOf(
  image: Record<string, unknown> | undefined,
  field: string,
  username: string,
): UserRecord | undefined {
  if (!image) return undefined;
  const record = recordFromImage(image);
  if (record.username !== username)
    throw new RecordFormatError(`${field}.username`, 'does not match the key');
  return record;
}

function deadLetterEntry(record: DynamoDBRecord, error: unknown, now: number): DeadLetterEntry {
  const username = usernameOf(record);
  return {
    kind: 'cognito-dr/parked-record',
    username,
    userRef: username === undefined ? undefined : userRef(username),
    sequenceNumber: record.dynamodb?.SequenceNumber,
    eventId: record.eventID,
    eventName: record.eventName,
    eventSourceArn: record.eventSourceARN,
    errorName: errorName(error) ?? 'Error',
    ...(error instanceof RecordFormatError ? { errorField: error.field } : {}),
    parkedAt: new Date(now).toISOString(),
  };
}

/**
 * Extra log detail known to be free of user data. AWS messages can echo request content, so only our own
 * RecordFormatError (which names fields, never values) contributes more than the error's name.
 */
function safeDetail(error: unknown): Record<string, unknown> {
  return error instanceof RecordFormatError ? { field: error.field } : {};
}
