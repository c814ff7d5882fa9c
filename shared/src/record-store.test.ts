// The record store: many users' records read in BatchGetItem-sized requests (absent users, throttled keys and bad
// items told apart), and the conditional write that lets the newest snapshot win against every concurrent writer;
// a weaker condition in its place fails these tests.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordFromCognitoUser, recordToItem } from './record-mapper';
import {
  BATCH_GET_LIMIT,
  getRecord,
  getRecords,
  noteMigrating,
  storeSnapshot,
  storeTombstone,
} from './record-store';
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
    poolId: 'eu-west-1_P',
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

  it('does not rewrite a record written before pool ids were recorded only to add one', async () => {
    const table = new FakeTable();
    const { poolId: _none, ...old } = record('ada', 1);
    table.put(recordToItem(old));

    expect((await storeSnapshot(table.client, TABLE, { ...record('ada', 1), updatedAt: 5_000 })).result).toBe(
      'unchanged',
    );
    const changed = { ...record('ada', 1), enabled: false, updatedAt: 6_000 };
    expect((await storeSnapshot(table.client, TABLE, changed)).result).toBe('written');
    expect((await getRecord(table.client, TABLE, 'ada'))?.poolId).toBe('eu-west-1_P');
  });

  it('writes the same content read from a new pool in the same region (a pool re-created after a loss)', async () => {
    const table = new FakeTable();
    table.put(recordToItem(record('ada', 1)));
    const fromNewPool = { ...record('ada', 1), updatedAt: 5_000, poolId: 'eu-west-1_New' };

    expect((await storeSnapshot(table.client, TABLE, fromNewPool)).result).toBe('written');
  });
});

describe('a user migrating into a pool', () => {
  // Signed up in eu-west-1 while it was active; now migrating into the pool of us-east-1.
  const stored = () => {
    const table = new FakeTable();
    table.put(recordToItem(record('ada', 4)));
    return table;
  };
  /** What us-east-1's pool has of the user before the completion: no group, a reset pending. */
  const halfMigrated = (updatedAt: number): UserRecord => ({
    ...record('ada', 1),
    origin: 'us-east-1',
    poolId: 'us-east-1_P',
    groups: [],
    status: 'RESET_REQUIRED',
    updatedAt,
  });

  it('keeps its record whatever snapshot of the half-migrated user is offered, until the completion writes one', async () => {
    const table = stored();
    await noteMigrating(table.client, TABLE, 'ada', 'us-east-1');
    const noted = await getRecord(table.client, TABLE, 'ada');
    expect(noted).toEqual({ ...record('ada', 4), migratingInto: 'us-east-1' });

    expect((await storeSnapshot(table.client, TABLE, halfMigrated(5_000))).result).toBe('awaiting-migration');
    expect(await getRecord(table.client, TABLE, 'ada')).toEqual(noted);

    const completed = { ...halfMigrated(6_000), groups: ['staff'], status: 'CONFIRMED' as const };
    const written = await storeSnapshot(table.client, TABLE, completed, { completesMigration: true });
    expect(written).toMatchObject({ result: 'written', version: 5 });
    const claimed = await getRecord(table.client, TABLE, 'ada');
    expect(claimed).toMatchObject({ origin: 'us-east-1', groups: ['staff'], status: 'CONFIRMED' });
    expect(claimed?.migratingInto).toBeUndefined();
    // From then on the region writes the record as any other.
    expect((await storeSnapshot(table.client, TABLE, halfMigrated(7_000))).result).toBe('written');
  });

  it('still lets the region the record came from write it', async () => {
    const table = stored();
    await noteMigrating(table.client, TABLE, 'ada', 'us-east-1');
    const fromHome = { ...record('ada', 1), enabled: false, updatedAt: 5_000 };
    expect((await storeSnapshot(table.client, TABLE, fromHome)).result).toBe('written');
  });

  it('is noted on a live record of another region only: never on a record of its own, a tombstone or none', async () => {
    const table = stored();
    table.put(recordToItem({ ...record('own', 1), origin: 'us-east-1' }));
    table.put(recordToItem({ ...record('gone', 1), deleted: true, deletedAt: 1, expiresAt: 2 }));
    for (const name of ['own', 'gone', 'nobody']) await noteMigrating(table.client, TABLE, name, 'us-east-1');
    expect((await getRecord(table.client, TABLE, 'own'))?.migratingInto).toBeUndefined();
    expect((await getRecord(table.client, TABLE, 'gone'))?.migratingInto).toBeUndefined();
    expect(await getRecord(table.client, TABLE, 'nobody')).toBeNull();
  });
});

describe('storeTombstone', () => {
  it('names the pool the deletion was seen in, whichever pool wrote the record before', async () => {
    const table = new FakeTable();
    table.put(recordToItem(record('ada', 1)));

    const buried = await storeTombstone(table.client, TABLE, 'ada', {
      origin: 'eu-central-1',
      poolId: 'eu-central-1_B',
      now: 9_000,
    });

    expect(buried.result).toBe('tombstoned');
    expect(await getRecord(table.client, TABLE, 'ada')).toMatchObject({
      deleted: true,
      origin: 'eu-central-1',
      poolId: 'eu-central-1_B',
    });
  });
});

/**
 * What the store's conditional write must guarantee, each against a writer that slips in between the store's read
 * and its write (FakeTable.beforePut). `client` is the table's, or one whose write condition was swapped.
 */
const RACES: Record<string, (table: FakeTable, client: DynamoDBDocumentClient) => Promise<void>> = {
  'a new user is stored as version 1': async (_, client) => {
    expect(await storeSnapshot(client, TABLE, { ...record('ada'), version: 0 })).toMatchObject({
      result: 'written',
      version: 1,
    });
  },
  'a later snapshot is stored as the next version': async (table, client) => {
    table.put(recordToItem(record('ada', 1)));
    const later = { ...record('ada', 1), enabled: false, updatedAt: 5_000 };
    expect(await storeSnapshot(client, TABLE, later)).toMatchObject({ result: 'written', version: 2 });
    expect(await getRecord(client, TABLE, 'ada')).toMatchObject({ enabled: false, version: 2 });
  },
  "another writer's new version, read before ours, is built on rather than overwritten": async (
    table,
    client,
  ) => {
    table.put(recordToItem(record('ada', 1)));
    slipIn(table, { version: 5, updatedAt: 2_000 });
    const ours = { ...record('ada', 1), enabled: false, updatedAt: 5_000 };
    expect(await storeSnapshot(client, TABLE, ours)).toMatchObject({ result: 'written', version: 6 });
    expect(await getRecord(client, TABLE, 'ada')).toMatchObject({ version: 6, enabled: false });
  },
  'a record of the same version read later (replicated from the other region) wins': async (
    table,
    client,
  ) => {
    table.put(recordToItem(record('ada', 1)));
    slipIn(table, { version: 1, updatedAt: 9_000, origin: 'us-east-1' });
    const ours = { ...record('ada', 1), enabled: false, updatedAt: 5_000 };
    expect((await storeSnapshot(client, TABLE, ours)).result).toBe('stale');
    expect(await getRecord(client, TABLE, 'ada')).toMatchObject({ updatedAt: 9_000, origin: 'us-east-1' });
  },
  'a record of the same version read at the same instant stands': async (table, client) => {
    table.put(recordToItem(record('ada', 1)));
    slipIn(table, { version: 1, updatedAt: 5_000, origin: 'us-east-1' });
    const ours = { ...record('ada', 1), enabled: false, updatedAt: 5_000 };
    expect((await storeSnapshot(client, TABLE, ours)).result).toBe('stale');
    expect(await getRecord(client, TABLE, 'ada')).toMatchObject({ enabled: true, origin: 'us-east-1' });
  },
  'a user created by another writer after our read, read later than ours, wins': async (table, client) => {
    slipIn(table, { ...recordToItem(record('ada', 1)), updatedAt: 9_000 });
    const ours = { ...record('ada', 1), enabled: false, updatedAt: 5_000 };
    expect((await storeSnapshot(client, TABLE, ours)).result).toBe('stale');
    expect(await getRecord(client, TABLE, 'ada')).toMatchObject({ enabled: true, updatedAt: 9_000 });
  },
  'a tombstone is written over the version it was decided on': async (table, client) => {
    table.put(recordToItem(record('ada', 1)));
    slipIn(table, { version: 4, updatedAt: 2_000 });
    const stamp = { origin: 'eu-west-1', poolId: 'eu-west-1_P', now: 5_000 };
    expect(await storeTombstone(client, TABLE, 'ada', stamp)).toMatchObject({
      result: 'tombstoned',
      version: 5,
    });
  },
};

/** Before the store's first write only, another writer changes the item (or creates it) with these fields. */
function slipIn(table: FakeTable, fields: Record<string, unknown>): void {
  let done = false;
  table.beforePut = () => {
    if (done) return;
    done = true;
    table.put({ ...(table.get('ada') ?? {}), ...fields });
  };
}

/** The table's client, with the condition of every conditional PutItem replaced by `condition`. */
function withCondition(table: FakeTable, condition: string): DynamoDBDocumentClient {
  return Object.assign(Object.create(DynamoDBDocumentClient.prototype), {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const input = command.input;
      if (command.constructor.name !== 'PutCommand' || input.ConditionExpression === undefined) {
        return table.send(command);
      }
      // Placeholders the weaker condition no longer uses are dropped, as its author would: DynamoDB refuses unused
      // ones, and that refusal must not be what catches the mutant.
      const used = new Set(condition.match(/[#:]\w+/g));
      const only = (map: unknown) =>
        Object.fromEntries(Object.entries(map as Record<string, unknown>).filter(([key]) => used.has(key)));
      const names = only(input.ExpressionAttributeNames ?? {});
      const values = only(input.ExpressionAttributeValues ?? {});
      return table.send({
        constructor: command.constructor,
        input: {
          ...input,
          ConditionExpression: condition,
          ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
        },
      });
    },
  }) as DynamoDBDocumentClient;
}

describe("the store's conditional write", () => {
  it.each(Object.entries(RACES))('%s', async (_, race) => {
    const table = new FakeTable();
    await race(table, table.client);
  });

  // Each weaker condition than the store's must fail at least one race above.
  it.each([
    ['always true', 'attribute_not_exists(#username) OR attribute_exists(#username)'],
    ['without the version check', 'attribute_not_exists(#username) OR #updatedAt < :now'],
    ['without the read-time check', 'attribute_not_exists(#username) OR #version = :prev'],
    [
      'with a tie going to the writer',
      'attribute_not_exists(#username) OR (#version = :prev AND #updatedAt <= :now)',
    ],
    ['with either check enough', 'attribute_not_exists(#username) OR #version = :prev OR #updatedAt < :now'],
    ['without the first write', '#version = :prev AND #updatedAt < :now'],
  ])('a condition %s is caught', async (_, weaker) => {
    const caught: string[] = [];
    for (const [name, race] of Object.entries(RACES)) {
      const table = new FakeTable();
      try {
        await race(table, withCondition(table, weaker));
      } catch (error) {
        // A request the table refused is not a race lost: only a wrong outcome counts.
        if (['ValidationException', 'UnsupportedExpressionError'].includes((error as Error).name))
          throw error;
        caught.push(name);
      }
    }
    expect(caught.length).toBeGreaterThan(0);
  });
});
