import {
  InvalidParameterException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { recordToItem, type UserRecord } from '@cognito-dr/shared';
import { mirrorMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import { reapplyUser } from './apply-record';
import {
  type DeadLetterMessage,
  type DeadLetterSource,
  redrive,
  redriveRequestOf,
  WINDOW_MARGIN_AFTER_MS,
  WINDOW_MARGIN_BEFORE_MS,
} from './redrive';
import { fakeBackup, T0, userRecord } from './testing/stream-records';

const parked = (username?: string) =>
  JSON.stringify({ kind: 'cognito-dr/parked-record', username, errorName: 'InvalidParameterException' });

/** The event source mapping's on-failure record, as AWS writes it to the queue. */
const onFailure = (first: number, last: number) =>
  JSON.stringify({
    version: '1.0',
    timestamp: new Date(last + 60_000).toISOString(),
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11, functionName: 'fn' },
    responseContext: { functionError: null, errorMessage: null },
    DDBStreamBatchInfo: {
      shardId: 'shardId-1',
      startSequenceNumber: '100',
      endSequenceNumber: '140',
      approximateArrivalOfFirstRecord: new Date(first).toISOString(),
      approximateArrivalOfLastRecord: new Date(last).toISOString(),
      batchSize: 41,
      streamArn: 'arn:aws:dynamodb:ap-northeast-1:1:table/users/stream/x',
    },
  });

function memorySource(bodies: string[]): DeadLetterSource & { left: () => string[] } {
  let messages: DeadLetterMessage[] = bodies.map((body, i) => ({ id: `m${i}`, body }));
  return {
    read: async () => [...messages],
    remove: async (ids) => {
      messages = messages.filter((m) => !ids.includes(m.id));
    },
    left: () => messages.map((m) => m.body),
  };
}

function setup() {
  const { pool, table, deps } = fakeBackup(T0);
  const records: UserRecord[] = [];
  const store = (record: UserRecord) => {
    records.push(record);
    table.put(recordToItem(record));
  };
  const usersChangedBetween = async (from: number, to: number) =>
    records.filter((r) => r.updatedAt >= from && r.updatedAt <= to).map((r) => r.username);
  return { pool, table, deps, store, usersChangedBetween };
}

describe('redriveRequestOf', () => {
  it('reads the user of a parked record', () => {
    expect(redriveRequestOf(parked('alice'))).toEqual({ kind: 'users', usernames: ['alice'] });
  });

  it("turns an on-failure record's arrival times into a window of updatedAt, with margins", () => {
    expect(redriveRequestOf(onFailure(T0, T0 + 5000))).toEqual({
      kind: 'window',
      from: T0 - WINDOW_MARGIN_BEFORE_MS,
      to: T0 + 5000 + WINDOW_MARGIN_AFTER_MS,
    });
  });

  it('falls back to the whole stream retention before the failure when arrival times are missing', () => {
    const body = JSON.parse(onFailure(T0, T0));
    delete body.DDBStreamBatchInfo.approximateArrivalOfFirstRecord;
    const request = redriveRequestOf(JSON.stringify(body));
    expect(request).toMatchObject({ kind: 'window', to: T0 + 60_000 });
    expect(request.kind === 'window' && request.to - request.from).toBeGreaterThan(24 * 3_600_000);
  });

  it.each([
    ['not JSON', '{'],
    ['a parked record without a key', parked(undefined)],
    ['something else', JSON.stringify({ hello: 'world' })],
  ])('says why it cannot read %s', (_label, body) => {
    expect(redriveRequestOf(body)).toMatchObject({ kind: 'unreadable' });
  });
});

describe('redrive', () => {
  it('re-applies parked users and the users of a failed batch from the table, then removes those messages', async () => {
    const { pool, deps, store, usersChangedBetween } = setup();
    const alice = userRecord({ username: 'alice', updatedAt: T0 - 3_600_000 });
    const bob = userRecord({ username: 'bob', updatedAt: T0 + 1000 });
    const carol = userRecord({ username: 'carol', updatedAt: T0 + 4000 });
    const dave = userRecord({ username: 'dave', updatedAt: T0 + 3 * 3_600_000 });
    for (const r of [alice, bob, carol, dave]) store(r);
    const source = memorySource([parked('alice'), onFailure(T0, T0 + 5000), '{']);

    const report = await redrive(
      { source, reapply: (u) => reapplyUser(deps, u), usersChangedBetween },
      { dryRun: false },
    );

    expect(report).toMatchObject({ messages: 3, handled: 2, removed: 2, kept: 1 });
    expect(report.users.applied.sort()).toEqual(['alice', 'bob', 'carol']);
    expect(report.unreadable).toEqual([{ id: 'm2', reason: 'not JSON' }]);
    for (const r of [alice, bob, carol]) expect(mirrorMismatches(pool.state(r.username), r)).toEqual([]);
    // dave changed hours after the batch: not one of its users.
    expect(pool.users.has('dave')).toBe(false);
    expect(source.left()).toEqual(['{']);
  });

  it('keeps a message while one of its users still fails, and says which and why', async () => {
    const { pool, deps, store, usersChangedBetween } = setup();
    store(userRecord({ username: 'alice' }));
    pool.failNext(
      'AdminCreateUser',
      new InvalidParameterException({ message: 'Invalid: alice@x', $metadata: {} }),
    );
    const source = memorySource([parked('alice')]);
    const report = await redrive(
      { source, reapply: (u) => reapplyUser(deps, u), usersChangedBetween },
      { dryRun: false },
    );
    expect(report).toMatchObject({ handled: 0, removed: 0, kept: 1 });
    expect(report.users.failed).toEqual([{ username: 'alice', errorName: 'InvalidParameterException' }]);
    expect(source.left()).toHaveLength(1);
    // Fixed: the next run applies it and removes the message.
    expect(
      await redrive({ source, reapply: (u) => reapplyUser(deps, u), usersChangedBetween }, { dryRun: false }),
    ).toMatchObject({ removed: 1, users: { applied: ['alice'] } });
  });

  it('removes the message of a user the table has no record of: there is nothing to apply', async () => {
    const { deps, usersChangedBetween } = setup();
    const source = memorySource([parked('ghost')]);
    const report = await redrive(
      { source, reapply: (u) => reapplyUser(deps, u), usersChangedBetween },
      { dryRun: false },
    );
    expect(report).toMatchObject({ removed: 1, users: { withoutRecord: ['ghost'] } });
  });

  it('re-applies a user named by several messages once', async () => {
    const { deps, store, usersChangedBetween } = setup();
    store(userRecord({ username: 'alice', updatedAt: T0 }));
    const reapplied: string[] = [];
    const source = memorySource([parked('alice'), parked('alice'), onFailure(T0, T0)]);
    const report = await redrive(
      {
        source,
        reapply: (u) => {
          reapplied.push(u);
          return reapplyUser(deps, u);
        },
        usersChangedBetween,
      },
      { dryRun: false },
    );
    expect(reapplied).toEqual(['alice']);
    expect(report.removed).toBe(3);
  });

  it('a dry run lists the users, applies nothing and removes nothing', async () => {
    const { pool, deps, store, usersChangedBetween } = setup();
    store(userRecord({ username: 'alice' }));
    const source = memorySource([parked('alice')]);
    const report = await redrive(
      { source, reapply: (u) => reapplyUser(deps, u), usersChangedBetween },
      { dryRun: true },
    );
    expect(report).toMatchObject({
      messages: 1,
      handled: 0,
      removed: 0,
      kept: 1,
      users: { planned: ['alice'] },
    });
    expect(pool.calls).toEqual([]);
    expect(source.left()).toHaveLength(1);
  });

  it('counts a transient failure as a failure, keeping the message for the next run', async () => {
    const { pool, deps, store, usersChangedBetween } = setup();
    store(userRecord({ username: 'alice' }));
    pool.throttleRate = 1;
    const report = await redrive(
      { source: memorySource([parked('alice')]), reapply: (u) => reapplyUser(deps, u), usersChangedBetween },
      { dryRun: false },
    );
    expect(report.users.failed).toEqual([{ username: 'alice', errorName: TooManyRequestsException.name }]);
  });
});
