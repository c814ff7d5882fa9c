// getRecords: many users' records in BatchGetItem-sized reads, with absent users, throttled keys and bad items
// each told apart, so a caller can trust what the map holds and read the rest one by one.
import { recordFromCognitoUser, recordToItem } from './record-mapper';
import { BATCH_GET_LIMIT, getRecord, getRecords, storeSnapshot } from './record-store';
import { FakeTable } from './testing/fake-table';
import type { UserRecord } from './user-record';

const TABLE = 'users';

const record = (username: string, version = 1): UserRecord => ({
  ...recordFromCognitoUser({
    user: {
      Username: username,
      Enabled: true,
      UserStatus: 'CONFIRMED',
      Attributes: [
        { Name: 'sub', Value: `sub-${username}` },
        { Name: 'email', Value: `${username}@example.com` },
      ],
    },
    groups: ['staff'],
    origin: 'eu-west-1',
    now: 1_000 + version,
  }),
  version,
});

describe('getRecords', () => {
  it('returns each stored record as getRecord reads it, and null for a user the table does not hold', async () => {
    const table = new FakeTable();
    table.put(recordToItem(record('ada', 3)));
    table.put(recordToItem(record('bob', 1)));

    const found = await getRecords(table.client, TABLE, ['ada', 'bob', 'cy']);
    expect(table.calls).toEqual(['BatchGetCommand']);

    expect(found.get('ada')).toEqual(await getRecord(table.client, TABLE, 'ada'));
    expect(found.get('ada')?.version).toBe(3);
    expect(found.get('bob')?.groups).toEqual(['staff']);
    expect(found.has('cy')).toBe(true);
    expect(found.get('cy')).toBeNull();
  });

  it('asks for each user once, in requests of at most 100 keys', async () => {
    const table = new FakeTable();
    const names = Array.from({ length: 250 }, (_, i) => `user-${i}`);
    for (const name of names) table.put(recordToItem(record(name)));

    const found = await getRecords(table.client, TABLE, [...names, 'user-0', 'user-249']);

    expect(table.batchGets.map((keys) => keys.length)).toEqual([BATCH_GET_LIMIT, BATCH_GET_LIMIT, 50]);
    expect(new Set(table.batchGets.flat()).size).toBe(250);
    expect(found.size).toBe(250);
  });

  it('leaves out users DynamoDB did not process, rather than calling them absent', async () => {
    const table = new FakeTable();
    table.put(recordToItem(record('ada')));
    table.put(recordToItem(record('bob')));
    table.unprocessed.add('bob');
    table.unprocessed.add('cy');

    const found = await getRecords(table.client, TABLE, ['ada', 'bob', 'cy']);

    expect([...found.keys()]).toEqual(['ada']);
  });

  it('leaves out an item that is not a valid record, so its own read reports the format error', async () => {
    const table = new FakeTable();
    table.put(recordToItem(record('ada')));
    table.put({ username: 'bob', version: 'not-a-number' });

    const found = await getRecords(table.client, TABLE, ['ada', 'bob']);

    expect([...found.keys()]).toEqual(['ada']);
    await expect(getRecord(table.client, TABLE, 'bob')).rejects.toThrow();
  });

  it('reads nothing for no users', async () => {
    const table = new FakeTable();
    expect((await getRecords(table.client, TABLE, [])).size).toBe(0);
    expect(table.calls).toEqual([]);
  });
});

describe('storeSnapshot', () => {
  it('skips the same content read again in the region that wrote it, but lets another region claim it', async () => {
    const table = new FakeTable();
    table.put(recordToItem(record('ada', 1)));
    const again = { ...record('ada', 1), updatedAt: 5_000 };

    expect((await storeSnapshot(table.client, TABLE, again)).result).toBe('unchanged');
    const claimed = await storeSnapshot(table.client, TABLE, { ...again, origin: 'us-east-1' });
    expect(claimed).toMatchObject({ result: 'written', version: 2 });
    expect((await getRecord(table.client, TABLE, 'ada'))?.origin).toBe('us-east-1');
  });
});
