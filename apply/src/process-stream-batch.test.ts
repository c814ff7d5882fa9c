import {
  InvalidParameterException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { getRecords, initialRoles, recordToImage, recordToItem, type UserRecord } from '@cognito-dr/shared';
import { FakeTable } from '@cognito-dr/shared/src/testing/fake-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { mirrorMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import type { DynamoDBRecord } from 'aws-lambda';
import { type ApplyResult, applyRecordChange } from './apply-record';
import type { DeadLetterEntry } from './dead-letter';
import { type BatchLogger, type BatchMetrics, processStreamBatch, READ_CHUNK } from './process-stream-batch';
import { BACKUP_REGION, PRIMARY_REGION, seq, streamRecord, T0, userRecord } from './testing/stream-records';

function setup(
  options: {
    throttleRate?: number;
    seed?: number;
    batchRead?: 'works' | 'fails';
    usernameAttributes?: readonly ('email' | 'phone_number')[];
  } = {},
) {
  const pool = new FakeUserPool(options);
  const table = new FakeTable();
  const parked: DeadLetterEntry[] = [];
  const logs: unknown[][] = [];
  const metrics: { name: string; value: number }[] = [];
  let parkingWorks = true;
  const logger = {
    info: (...args: unknown[]) => logs.push(['info', ...args]),
    warn: (...args: unknown[]) => logs.push(['warn', ...args]),
    error: (...args: unknown[]) => logs.push(['error', ...args]),
  } as unknown as BatchLogger;
  const recorder: BatchMetrics = { addMetric: (name, _unit, value) => metrics.push({ name, value }) };
  const applyDeps = {
    cognito: pool.client,
    table: table.client,
    userPoolId: 'ap-northeast-1_backup',
    tableName: 'users',
    region: BACKUP_REGION,
    roles: async () => initialRoles(PRIMARY_REGION, BACKUP_REGION),
    createMissing: true,
    now: () => T0 + 400,
    breaker: null,
  };
  const deps = {
    apply: (change: Parameters<typeof applyRecordChange>[1], known?: UserRecord | null) =>
      applyRecordChange(applyDeps, change, known),
    readRecords: options.batchRead
      ? async (usernames: string[]) => {
          if (options.batchRead === 'fails')
            throw new TooManyRequestsException({ message: 'slow down', $metadata: {} });
          return getRecords(table.client, 'users', usernames);
        }
      : undefined,
    deadLetter: {
      park: async (entry: DeadLetterEntry) => {
        if (!parkingWorks) throw new Error('queue unavailable');
        parked.push(entry);
      },
    },
    logger,
    metrics: recorder,
    now: () => T0 + 400,
  };
  const run = (records: DynamoDBRecord[]) => processStreamBatch({ Records: records }, deps);
  const total = (name: string) => metrics.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0);
  return {
    pool,
    table,
    parked,
    logs,
    metrics,
    deps,
    run,
    total,
    breakParking: () => {
      parkingWorks = false;
    },
  };
}

const failures = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

/** A stream record whose NewImage is not a valid record (status is unknown). */
function poisonRecord(record: UserRecord, n: number): DynamoDBRecord {
  const poisoned = streamRecord(record, n);
  const image = recordToImage(record);
  image.status = { S: 'NOT_A_STATUS' };
  (poisoned.dynamodb as { NewImage: unknown }).NewImage = image;
  return poisoned;
}

describe('processStreamBatch', () => {
  it('reads the whole batch of users from the table at once and converges each to its newest record', async () => {
    const { pool, table, run } = setup({ batchRead: 'works' });
    const alice = userRecord({ username: 'alice.smith' });
    const bob = userRecord({ username: 'bob.jones' });
    const bobNewer = userRecord({ username: 'bob.jones', version: 4, updatedAt: T0 + 4, enabled: false });
    table.put(recordToItem(alice));
    table.put(recordToItem(bobNewer));
    // bob's record is a replay of version 1; the table already holds version 4.
    expect(await run([streamRecord(alice, 1), streamRecord(bob, 2)])).toEqual({ batchItemFailures: [] });
    expect(table.calls).toEqual(['BatchGetCommand']);
    expect(mirrorMismatches(pool.state('alice.smith'), alice)).toEqual([]);
    expect(mirrorMismatches(pool.state('bob.jones'), bobNewer)).toEqual([]);
  });

  it('reads a large batch in chunks of READ_CHUNK users, each user once', async () => {
    const { pool, table, run } = setup({ batchRead: 'works' });
    const users = Array.from({ length: 60 }, (_, i) => userRecord({ username: `user-${i}` }));
    for (const user of users) table.put(recordToItem(user));
    const duplicate = streamRecord(users[0] as UserRecord, 61);
    expect(await run([...users.map((user, i) => streamRecord(user, i + 1)), duplicate])).toEqual({
      batchItemFailures: [],
    });
    expect(table.batchGets.map((keys) => keys.length)).toEqual([READ_CHUNK, READ_CHUNK, 60 - 2 * READ_CHUNK]);
    expect(table.calls.filter((name) => name !== 'BatchGetCommand')).toEqual([]);
    for (const user of users) expect(mirrorMismatches(pool.state(user.username), user)).toEqual([]);
  });

  it('reads per user when the batch read fails, and says so', async () => {
    const { pool, table, logs, run } = setup({ batchRead: 'fails' });
    const alice = userRecord({ username: 'alice.smith' });
    const bob = userRecord({ username: 'bob.jones' });
    table.put(recordToItem(alice));
    table.put(recordToItem(bob));
    expect(await run([streamRecord(alice, 1), streamRecord(bob, 2)])).toEqual({ batchItemFailures: [] });
    expect(table.calls).toEqual(['GetCommand', 'GetCommand']);
    expect(mirrorMismatches(pool.state('alice.smith'), alice)).toEqual([]);
    expect(mirrorMismatches(pool.state('bob.jones'), bob)).toEqual([]);
    expect(logs).toContainEqual([
      'warn',
      'batch read of records failed, reading per user',
      { errorName: 'TooManyRequestsException' },
    ]);
  });

  it('applies every user of the batch and reports nothing', async () => {
    const { pool, run, total, metrics } = setup();
    const alice = userRecord({ username: 'alice.smith', groups: ['staff'] });
    const bob = userRecord({ username: 'bob.jones', enabled: false });
    expect(await run([streamRecord(alice, 1), streamRecord(bob, 2)])).toEqual({ batchItemFailures: [] });
    expect(mirrorMismatches(pool.state('alice.smith'), alice)).toEqual([]);
    expect(mirrorMismatches(pool.state('bob.jones'), bob)).toEqual([]);
    expect(total('RecordsApplied')).toBe(2);
    expect(metrics.filter((m) => m.name === 'ReplicationLag').map((m) => m.value)).toEqual([400, 400]);
  });

  it('parks a poison record and still applies the other users of the batch', async () => {
    const { pool, run, parked, total } = setup();
    const alice = userRecord({ username: 'alice.smith' });
    const bob = userRecord({ username: 'bob.jones' });
    const carol = userRecord({ username: 'carol.white' });
    const response = await run([streamRecord(alice, 1), poisonRecord(bob, 2), streamRecord(carol, 3)]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(pool.users.has('alice.smith')).toBe(true);
    expect(pool.users.has('carol.white')).toBe(true);
    expect(pool.users.has('bob.jones')).toBe(false);
    expect(parked).toEqual([
      {
        kind: 'cognito-dr/parked-record',
        username: 'bob.jones',
        userRef: expect.stringMatching(/^[0-9a-f]{12}$/),
        sequenceNumber: seq(2),
        eventId: 'event-2',
        eventName: 'INSERT',
        eventSourceArn: expect.any(String),
        errorName: 'RecordFormatError',
        errorField: 'status',
        parkedAt: new Date(T0 + 400).toISOString(),
      },
    ]);
    expect(JSON.stringify(parked)).not.toContain('@example.com');
    expect(total('RecordsParked')).toBe(1);
    expect(total('RecordsFailed')).toBe(0);
  });

  it('holds back a record of a newer schema instead of parking it, and counts it for the alarm', async () => {
    const { pool, run, parked, total, logs } = setup();
    const alice = userRecord({ username: 'alice.smith' });
    const future = streamRecord(userRecord({ username: 'bob.jones' }), 2);
    (future.dynamodb as { NewImage: Record<string, unknown> }).NewImage.schemaVersion = { N: '999' };
    const response = await run([
      streamRecord(alice, 1),
      future,
      streamRecord(userRecord({ username: 'carol' }), 3),
    ]);
    expect(failures(response)).toEqual([seq(2)]);
    expect(parked).toEqual([]);
    expect(total('RecordsBlocked')).toBe(1);
    expect(pool.users.has('alice.smith')).toBe(true);
    expect(pool.users.has('carol')).toBe(true);
    expect(logs).toContainEqual([
      'error',
      'blocked: a reader or configuration to fix, records reported for retry',
      expect.objectContaining({ errorName: 'UnsupportedSchemaError', field: 'schemaVersion' }),
    ]);
  });

  it('holds back, never parks, users the backup pool refuses for a permission or configuration error', async () => {
    const { pool, run, parked, total } = setup();
    pool.failNext(
      'AdminCreateUser',
      Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }),
    );
    pool.failNext('AdminCreateUser', new ResourceNotFoundException({ message: 'pool gone', $metadata: {} }));
    const response = await run([
      streamRecord(userRecord({ username: 'alice.smith' }), 1),
      streamRecord(userRecord({ username: 'bob.jones' }), 2),
    ]);
    expect(failures(response)).toEqual([seq(1), seq(2)]);
    expect(parked).toEqual([]);
    expect(total('RecordsBlocked')).toBe(2);
  });

  it('parks the name of an error, never its message, which can echo what was sent', async () => {
    const { pool, run, parked } = setup();
    pool.failNext(
      'AdminCreateUser',
      new InvalidParameterException({
        message: 'Invalid email address format: alice.smith@example.com',
        $metadata: {},
      }),
    );
    await run([streamRecord(userRecord({ username: 'alice.smith' }), 1)]);
    expect(parked).toEqual([expect.objectContaining({ errorName: 'InvalidParameterException' })]);
    expect(JSON.stringify(parked)).not.toContain('@example.com');
  });

  it('reports the records of a user whose poison record could not be parked', async () => {
    const { run, breakParking } = setup();
    breakParking();
    const response = await run([
      streamRecord(userRecord({ username: 'alice.smith' }), 1),
      poisonRecord(userRecord({ username: 'bob.jones' }), 2),
    ]);
    expect(failures(response)).toEqual([seq(2)]);
  });

  it('parks a record without a key on its own', async () => {
    const { run, parked } = setup();
    const keyless = streamRecord(userRecord(), 7);
    delete (keyless.dynamodb as { Keys?: unknown }).Keys;
    expect(await run([keyless])).toEqual({ batchItemFailures: [] });
    expect(parked[0]).toMatchObject({
      errorName: 'RecordFormatError',
      sequenceNumber: seq(7),
      username: undefined,
    });
  });

  it('reports exactly the records of a throttled user, so none of them is applied out of order', async () => {
    const { pool, run, total } = setup();
    pool.beforeSend = (_command, input) => {
      if (input.Username === 'alice.smith') {
        throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
      }
    };
    const alice1 = userRecord({ username: 'alice.smith' });
    const alice2 = userRecord({ username: 'alice.smith', version: 2, enabled: false });
    const bob = userRecord({ username: 'bob.jones' });
    const carol = userRecord({ username: 'carol.white' });
    const response = await run([
      streamRecord(alice1, 1),
      streamRecord(bob, 2),
      streamRecord(alice2, 3),
      streamRecord(carol, 4),
    ]);
    expect(failures(response)).toEqual([seq(1), seq(3)]);
    expect(pool.users.has('bob.jones')).toBe(true);
    expect(pool.users.has('carol.white')).toBe(true);
    expect(total('RecordsFailed')).toBe(2);
  });

  it('starts no user once the time left falls below the margin, and reports those records in order', async () => {
    const { pool, deps, total } = setup();
    let timeLeft = 60_000;
    // Each create uses up 20 s of the invocation.
    pool.beforeSend = (command) => {
      if (command === 'AdminCreateUser') timeLeft -= 20_000;
    };
    const users = ['ann', 'ben', 'cat', 'dan', 'eve'].map((username) => userRecord({ username }));
    const response = await processStreamBatch(
      { Records: users.map((user, i) => streamRecord(user, i + 1)) },
      { ...deps, concurrency: 1, timeLeftMs: () => timeLeft, stopMarginMs: 15_000 },
    );
    // ann (60 s left) and ben (40 s) start; cat starts with 20 s left; after it only 0 s remain.
    expect([...pool.users.keys()].sort()).toEqual(['ann', 'ben', 'cat']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([seq(4), seq(5)]);
    expect(total('RecordsDeferred')).toBe(2);
    expect(total('RecordsFailed')).toBe(0);
  });

  it('applies only the newest record of a user and counts the older ones as skipped', async () => {
    const { pool, table, run, total } = setup();
    const v1 = userRecord();
    const v2 = userRecord({ version: 2, updatedAt: T0 + 1, groups: ['staff'] });
    table.put(recordToItem(v2));
    const response = await run([streamRecord(v1, 1), streamRecord(v2, 2), streamRecord(v2, 3)]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(mirrorMismatches(pool.state(v2.username), v2)).toEqual([]);
    expect(pool.calls.filter((c) => c === 'AdminCreateUser')).toHaveLength(1);
    expect(total('RecordsApplied')).toBe(1);
    expect(total('RecordsSkipped')).toBe(2);
  });

  it('does not let a later REMOVE (TTL) hide the tombstone before it', async () => {
    const { pool, run } = setup();
    pool.addUser({ username: 'alice.smith', enabled: true, status: 'CONFIRMED' });
    const tombstone = userRecord({ version: 2, deleted: true, deletedAt: T0, expiresAt: 1 });
    await run([streamRecord(tombstone, 1), streamRecord(tombstone, 2, 'REMOVE')]);
    expect(pool.users.has('alice.smith')).toBe(false);
  });

  it('skips records written in its own region', async () => {
    const { pool, run, total } = setup();
    const own = userRecord({ origin: BACKUP_REGION });
    expect(await run([streamRecord(own, 1)])).toEqual({ batchItemFailures: [] });
    expect(pool.calls).toEqual([]);
    expect(total('RecordsSkipped')).toBe(1);
  });

  it('never logs usernames or attribute values', async () => {
    const { pool, run, logs } = setup();
    pool.beforeSend = (_command, input) => {
      if (input.Username === 'bob.jones') throw new TooManyRequestsException({ message: 'x', $metadata: {} });
    };
    await run([
      streamRecord(userRecord({ username: 'alice.smith' }), 1),
      streamRecord(userRecord({ username: 'bob.jones' }), 2),
      poisonRecord(userRecord({ username: 'carol.white' }), 3),
    ]);
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(3);
    for (const secret of ['alice.smith', 'bob.jones', 'carol.white', '@example.com', 'gold']) {
      expect(text).not.toContain(secret);
    }
  });

  it('converges users in parallel, but no more than the limit at a time', async () => {
    const { deps } = setup();
    let inFlight = 0;
    let peak = 0;
    const apply = async (): Promise<ApplyResult> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return { outcome: 'unchanged' };
    };
    const records = Array.from({ length: 30 }, (_, i) =>
      streamRecord(userRecord({ username: `user-${i}` }), i + 1),
    );
    await processStreamBatch({ Records: records }, { ...deps, apply, concurrency: 4 });
    expect(peak).toBe(4);
  });

  it('with 30% of backup calls throttled, every user converges once the stream retries as Lambda does', async () => {
    const { pool, table, run } = setup({ throttleRate: 0.3, seed: 42 });
    // 25 users, each changed two or three times; the table holds each user's newest snapshot.
    const finals: UserRecord[] = [];
    const records: DynamoDBRecord[] = [];
    let n = 0;
    for (let u = 0; u < 25; u++) {
      const username = `user-${String(u).padStart(2, '0')}`;
      const versions = 2 + (u % 2);
      for (let v = 1; v <= versions; v++) {
        const record = userRecord({
          username,
          version: v,
          updatedAt: T0 + v,
          enabled: (u + v) % 3 !== 0,
          groups: v === versions ? ['staff', `team-${u % 4}`] : ['staff'],
          attributes: {
            email: `${username}@example.com`,
            email_verified: 'true',
            'custom:tier': `tier-${v}`,
          },
        });
        records.push(streamRecord(record, ++n));
        if (v === versions) finals.push(record);
      }
    }
    for (const record of finals) table.put(recordToItem(record));

    // The event source mapping: on a partial failure, resume from the lowest reported sequence number.
    let pending = records;
    let invocations = 0;
    while (pending.length > 0) {
      invocations++;
      if (invocations > 100) throw new Error('did not converge');
      const reported = failures(await run(pending));
      if (reported.length === 0) break;
      const first = reported[0] as string;
      const sequence = pending.map((r) => r.dynamodb?.SequenceNumber as string);
      expect(reported.every((id) => sequence.includes(id))).toBe(true);
      pending = pending.slice(sequence.indexOf(first));
    }
    expect(invocations).toBeGreaterThan(1);
    for (const record of finals) {
      pool.throttleRate = 0;
      expect(mirrorMismatches(pool.state(record.username), record)).toEqual([]);
    }
  });

  it('follows an email change into a pool that finds users by email, from the old image, coalesced or not', async () => {
    const { pool, table, run } = setup({ usernameAttributes: ['email'] });
    const first = userRecord({
      username: 'home-sub',
      sub: 'home-sub',
      attributes: { email: 'ada@example.com', email_verified: 'true' },
    });
    table.put(recordToItem(first));
    await run([streamRecord(first, 1)]);
    const moved = {
      ...first,
      version: 2,
      attributes: { email: 'ada.l@example.com', email_verified: 'true' },
    };
    const disabled = { ...moved, version: 3, enabled: false };
    table.put(recordToItem(disabled));
    // One batch: the email change, with its old image, and a later change the batch applies in its place.
    const change = streamRecord(moved, 2);
    (change.dynamodb as { OldImage?: unknown }).OldImage = recordToImage(first);
    const later = streamRecord(disabled, 3);
    (later.dynamodb as { OldImage?: unknown }).OldImage = recordToImage(moved);
    await run([change, later]);
    expect(pool.users.size).toBe(1);
    const user = pool.findUser('ada.l@example.com');
    expect(mirrorMismatches(pool.state(user?.username ?? ''), disabled)).toEqual([]);
  });
});
