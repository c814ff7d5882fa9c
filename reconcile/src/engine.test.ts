// The reconciler against a fake pool that pages at 60 (or not at all), a fake table and a fake clock.
import { InvalidParameterException } from '@aws-sdk/client-cognito-identity-provider';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  ForeignTableError,
  initialRoles,
  QUOTA_CATEGORIES,
  type RegionRoles,
  sameSnapshot,
  type UserRecord,
} from '@cognito-dr/shared';
import { tableMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import fc from 'fast-check';
import { CheckpointMismatchError } from './checkpoint';
import { DirectionRefusedError } from './direction-guard';
import { type Budget, budgetOf } from './quota';
import { runReconcile } from './reconcile-direction';
import {
  ORIGIN,
  OTHER_REGION,
  poolRecords,
  poolUsers,
  putGroupRecords,
  putRecord,
  scenario,
  tableRecords,
} from './testing/scenario';

const inSync = (s: ReturnType<typeof scenario>) => tableMismatches(poolUsers(s.pool), s.table.items);
const noDrift = { missing: [], stale: [], extra: [] };
/** Pacing is covered by its own tests; elsewhere it would only slow the fake clock down. */
const UNLIMITED = Object.fromEntries(QUOTA_CATEGORIES.map((category) => [category, 1e9])) as Budget;
const fast = { budget: UNLIMITED, writesPerSecond: 1e9 };
const callsOf = (s: ReturnType<typeof scenario>, command: string) =>
  s.pool.calls.filter((call) => call === command).length;

/** Calls per busiest one-second window. */
const busiestSecond = (times: number[]): number => {
  let most = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while ((times[to] as number) - (times[from] as number) >= 1000) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
};

describe('runReconcile', () => {
  describe("a table of another deployment's pools", () => {
    const prodTable = () => {
      const s = scenario();
      s.pool.addUsers(20);
      const prod = new Map(
        [...poolRecords(s.pool, s.clock.now() - 1000, ORIGIN, 'us-east-1_Prod')].slice(0, 3),
      );
      for (const record of prod.values()) putRecord(s.table, record);
      return s;
    };

    it.each(['backfill', 'reconcile'] as const)(
      'is refused by %s before anything is read or written',
      async (mode) => {
        const s = prodTable();
        const before = [...s.table.items.keys()];

        await expect(runReconcile(s.deps, { mode, ...fast })).rejects.toThrow(ForeignTableError);

        expect(s.table.calls).toEqual(['ScanCommand']);
        expect(s.pool.calls).toEqual([]);
        expect([...s.table.items.keys()]).toEqual(before);
      },
    );

    it('is refused when region roles name pools the records do not match, though the target knows only its own', async () => {
      const s = scenario();
      s.pool.addUsers(5);
      const theirs = poolRecords(s.pool, s.clock.now() - 1000, OTHER_REGION, 'ap-northeast-1_Other');
      putRecord(s.table, theirs.values().next().value as UserRecord);
      const roles = async () => ({
        ...initialRoles(ORIGIN, OTHER_REGION),
        pools: { [ORIGIN]: s.deps.userPoolId, [OTHER_REGION]: 'ap-northeast-1_Ours' },
      });

      await expect(runReconcile(s.deps, { mode: 'reconcile', ...fast })).resolves.toMatchObject({
        complete: true,
      });
      await expect(runReconcile({ ...s.deps, roles }, { mode: 'reconcile', ...fast })).rejects.toThrow(
        /holds records of pool ap-northeast-1_Other \(ap-northeast-1\)/,
      );
    });
  });

  describe('while another region is active', () => {
    const failedOver: RegionRoles = {
      ...initialRoles(ORIGIN, OTHER_REGION),
      active: OTHER_REGION,
      epoch: 1,
      posture: { [ORIGIN]: 'standby', [OTHER_REGION]: 'active' },
    };
    /** A user edited in the active region: its record is newer than this (standby) pool's copy. */
    const editedElsewhere = () => {
      const s = scenario();
      const [name] = s.pool.addUsers(3) as [string];
      for (const record of poolRecords(s.pool, s.clock.now() - 60_000).values()) putRecord(s.table, record);
      const record = tableRecords(s.table).get(name) as UserRecord;
      putRecord(s.table, {
        ...record,
        attributes: { ...record.attributes, name: 'Changed in the active region' },
        origin: OTHER_REGION,
        version: record.version + 1,
        updatedAt: s.clock.now() - 1000,
      });
      return { s, name, before: structuredClone([...s.table.items.entries()]) };
    };

    it.each(['backfill', 'reconcile'] as const)(
      'refuses a %s of the standby pool, naming the command to use, and changes nothing',
      async (mode) => {
        const { s, before } = editedElsewhere();

        const run = runReconcile({ ...s.deps, roles: async () => failedOver }, { mode, ...fast });

        await expect(run).rejects.toThrow(DirectionRefusedError);
        await expect(run).rejects.toThrow(
          /on standby: ap-northeast-1 is the active region.*`cognito-dr failback`/,
        );
        expect(s.pool.calls).toEqual([]);
        expect([...s.table.items.entries()]).toEqual(before);
      },
    );

    it('refuses while a switch is under way, naming the command that finishes it', async () => {
      const { s } = editedElsewhere();
      const failingBack: RegionRoles = { ...failedOver, state: 'failing-back', target: ORIGIN };
      await expect(
        runReconcile({ ...s.deps, roles: async () => failingBack }, { mode: 'reconcile', ...fast }),
      ).rejects.toThrow(/failback to us-east-1 is under way; finish it with `cognito-dr failback`/);
    });

    it('writes no record once a failover made this pool standby during the run', async () => {
      const { s, name, before } = editedElsewhere();
      let asked = 0;
      const roles = async () => (++asked <= 2 ? initialRoles(ORIGIN, OTHER_REGION) : failedOver);

      const result = await runReconcile({ ...s.deps, roles }, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ updated: 0, failed: 1 });
      expect(tableRecords(s.table).get(name)?.attributes.name).toBe('Changed in the active region');
      expect([...s.table.items.entries()]).toEqual(before);
    });
  });

  describe('backfill', () => {
    it('gives every user of a pool that pages at 60 a record, following PaginationToken to the last page', async () => {
      const s = scenario();
      s.pool.addUsers(150);

      const result = await runReconcile(s.deps, { mode: 'backfill', partitions: 1, ...fast });

      expect(result).toMatchObject({ complete: true, counts: { checked: 150, created: 150, failed: 0 } });
      expect(callsOf(s, 'ListUsers')).toBe(3);
      expect(inSync(s)).toEqual(noDrift);
      expect(await s.checkpoints.load()).toBeUndefined();
    });

    it('lists the pool in sixteen sub-prefix partitions and still covers every user once', async () => {
      const s = scenario();
      s.pool.addUsers(400);

      const result = await runReconcile(s.deps, { mode: 'backfill', ...fast });

      expect(result.counts).toMatchObject({ checked: 400, created: 400 });
      expect(new Set(s.pool.filters.slice(1))).toEqual(
        new Set([...'0123456789abcdef'].map((d) => `sub ^= "${d}"`)),
      );
      expect(new Set(s.table.written).size).toBe(400);
      expect(inSync(s)).toEqual(noDrift);
    });

    it('falls back to one listing of the whole pool where the prefix filter is refused', async () => {
      const s = scenario({ refusesFilters: true });
      s.pool.addUsers(130);

      const result = await runReconcile(s.deps, { mode: 'backfill', ...fast });

      expect(result.counts).toMatchObject({ checked: 130, created: 130 });
      expect(inSync(s)).toEqual(noDrift);
    });

    it('reaches the same end state against an emulator that ignores paging and returns everyone at once', async () => {
      const s = scenario({ ignoresPaging: true });
      s.pool.addUsers(150);

      const result = await runReconcile(s.deps, { mode: 'backfill', partitions: 1, ...fast });

      expect(result.counts).toMatchObject({ checked: 150, created: 150 });
      expect(callsOf(s, 'ListUsers')).toBe(1);
      expect(inSync(s)).toEqual(noDrift);
    });

    it('keeps record writes under its rate so the replica stays under the backup pool quota', async () => {
      const s = scenario();
      s.pool.addUsers(120);
      const writeTimes: number[] = [];
      s.table.beforePut = () => {
        writeTimes.push(s.clock.now());
      };

      await runReconcile(s.deps, {
        mode: 'backfill',
        budget: UNLIMITED,
        writesPerSecond: 20,
        concurrency: 16,
      });

      expect(writeTimes).toHaveLength(120);
      expect(busiestSecond(writeTimes)).toBeLessThanOrEqual(20);
    });

    it('by default spends at most half of each category: ListUsers 15, AdminGetUser 60, AdminListGroupsForUser 25 per second', async () => {
      const s = scenario();
      s.pool.addUsers(600);

      const result = await runReconcile(s.deps, { mode: 'reconcile', concurrency: 32, writesPerSecond: 1e9 });

      const times = (command: string) =>
        s.pool.callTimes.filter((call) => call.command === command).map((call) => call.at);
      expect(busiestSecond(times('ListUsers'))).toBeLessThanOrEqual(15);
      expect(times('AdminGetUser')).toHaveLength(600);
      expect(busiestSecond(times('AdminGetUser'))).toBeLessThanOrEqual(60);
      expect(busiestSecond(times('AdminListGroupsForUser'))).toBeLessThanOrEqual(25);
      expect(result.calls).toMatchObject({ UserRead: 600, UserResourceRead: 600 });
      expect(result.calls.UserList).toBe(callsOf(s, 'ListUsers') + callsOf(s, 'ListUsersInGroup'));
    });
  });

  describe('reconcile', () => {
    it('costs no per-user Cognito call for a pool whose records are all in sync', async () => {
      const s = scenario();
      const names = s.pool.addUsers(300);
      s.pool.addGroup('gold');
      for (const name of names.slice(0, 70)) s.pool.groups.get('gold')?.add(name);
      for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) putRecord(s.table, record);
      putGroupRecords(s.table, s.pool, s.clock.now() - 1000);

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ checked: 300, unchanged: 300, updated: 0, failed: 0 });
      expect(result.groups).toMatchObject({ checked: 1, unchanged: 1 });
      expect(callsOf(s, 'AdminGetUser')).toBe(0);
      expect(callsOf(s, 'AdminListGroupsForUser')).toBe(0);
      expect(callsOf(s, 'ListUsersInGroup')).toBe(2);
      expect(s.table.calls).not.toContain('GetCommand');
      expect(s.table.calls).not.toContain('PutCommand');
    });

    it('repairs stale attributes, enabled flag, status and groups, and leaves in-sync records alone', async () => {
      const s = scenario();
      const [same, edited, disabled, confirmed, grouped] = s.pool.addUsers(5);
      s.pool.addGroup('gold');
      const before = poolRecords(s.pool, s.clock.now() - 60_000);
      for (const record of before.values()) putRecord(s.table, record);
      const user = (name: string | undefined) =>
        s.pool.users.get(name as string) as {
          attributes: Record<string, string>;
          enabled: boolean;
          status: string;
        };
      user(edited).attributes['custom:tier'] = 'gold';
      user(disabled).enabled = false;
      user(confirmed).status = 'RESET_REQUIRED';
      s.pool.groups.get('gold')?.add(grouped as string);

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toEqual({
        checked: 5,
        created: 0,
        updated: 4,
        tombstoned: 0,
        deleted: 0,
        unchanged: 1,
        failed: 0,
      });
      expect(inSync(s)).toEqual(noDrift);
      expect(tableRecords(s.table).get(same as string)?.version).toBe(before.get(same as string)?.version);
      // Only the users that differ are read one by one.
      expect(callsOf(s, 'AdminGetUser')).toBe(4);
    });

    it('tombstones the record of a user the pool no longer has, after AdminGetUser confirms it is gone', async () => {
      const s = scenario();
      const [kept, gone] = s.pool.addUsers(2);
      for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) putRecord(s.table, record);
      s.pool.users.delete(gone as string);
      s.clock.advance(1000);

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ checked: 2, tombstoned: 1, unchanged: 1 });
      const records = tableRecords(s.table);
      expect(records.get(gone as string)).toMatchObject({ deleted: true });
      expect(records.get(kept as string)?.deleted).toBeUndefined();
      expect(callsOf(s, 'AdminGetUser')).toBe(1);
    });

    it('never buries a user who signed up in the other region during a failover and has not migrated in yet', async () => {
      const s = scenario();
      const [kept, newcomer] = s.pool.addUsers(2);
      for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) putRecord(s.table, record);
      const signedUpElsewhere = tableRecords(s.table).get(newcomer as string) as UserRecord;
      putRecord(s.table, { ...signedUpElsewhere, origin: 'ap-northeast-1' });
      s.pool.users.delete(newcomer as string);
      s.clock.advance(1000);

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ tombstoned: 0, failed: 0 });
      expect(tableRecords(s.table).get(newcomer as string)?.deleted).toBeUndefined();
      expect(tableRecords(s.table).get(kept as string)?.deleted).toBeUndefined();
    });

    it('takes a record whose username differs only in case for the listed user, not for a departed one', async () => {
      const s = scenario();
      const [name] = s.pool.addUsers(1);
      const record = poolRecords(s.pool, s.clock.now() - 1000).get(name as string) as UserRecord;
      putRecord(s.table, record);
      putRecord(s.table, { ...record, username: (name as string).toUpperCase() });

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ tombstoned: 0, failed: 0 });
      expect(callsOf(s, 'AdminGetUser')).toBe(0);
    });

    it('brings back a user re-created under the name of a tombstone', async () => {
      const s = scenario();
      const [back] = s.pool.addUsers(1);
      const record = poolRecords(s.pool, s.clock.now() - 5000).get(back as string) as UserRecord;
      putRecord(s.table, { ...record, deleted: true, deletedAt: record.updatedAt, expiresAt: 1 });

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ created: 1 });
      expect(tableRecords(s.table).get(back as string)?.deleted).toBeUndefined();
    });

    it('does not overwrite a record written after the pool was read', async () => {
      const s = scenario();
      const [user] = s.pool.addUsers(1);
      const newer = poolRecords(s.pool, s.clock.now() + 60_000).get(user as string) as UserRecord;
      putRecord(s.table, { ...newer, attributes: { ...newer.attributes, 'custom:tier': 'newer' } });

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ unchanged: 1, updated: 0 });
      expect(tableRecords(s.table).get(user as string)?.attributes['custom:tier']).toBe('newer');
    });

    it('in --dry-run reports what it would do and writes nothing', async () => {
      const s = scenario();
      const [, stale, gone] = s.pool.addUsers(3);
      s.pool.addUsers(2, 'new-');
      for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) {
        if (!record.username.startsWith('new-')) putRecord(s.table, record);
      }
      (s.pool.users.get(stale as string) as { enabled: boolean }).enabled = false;
      s.pool.users.delete(gone as string);
      const itemsBefore = structuredClone([...s.table.items]);

      const dry = await runReconcile(s.deps, { mode: 'reconcile', dryRun: true, ...fast });

      expect(dry.counts).toEqual({
        checked: 5,
        created: 2,
        updated: 1,
        tombstoned: 1,
        deleted: 0,
        unchanged: 1,
        failed: 0,
      });
      expect([...s.table.items]).toEqual(itemsBefore);
      expect(s.table.calls).not.toContain('PutCommand');

      const real = await runReconcile(s.deps, { mode: 'reconcile', ...fast });
      expect(real.counts).toEqual(dry.counts);
    });

    it('counts a failed write, carries on with everyone else, and reports the failure by reference only', async () => {
      const s = scenario();
      const names = s.pool.addUsers(10);
      const unlucky = names[3] as string;
      s.table.beforePut = ({ Item }) => {
        if (Item.username === unlucky) {
          throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
        }
      };
      const failures: unknown[] = [];

      const result = await runReconcile(s.deps, {
        mode: 'reconcile',
        ...fast,
        onFailure: (f) => failures.push(f),
      });

      expect(result).toMatchObject({ complete: true, counts: { created: 9, failed: 1 } });
      expect(failures).toEqual([
        {
          user: expect.stringMatching(/^[0-9a-f]{12}$/),
          phase: 'listing',
          error: 'ProvisionedThroughputExceededException',
        },
      ]);
      expect(JSON.stringify(failures)).not.toContain(unlucky);
      expect(inSync(s).missing).toEqual([unlucky]);
    });

    it('counts a record of a newer schema as a failure instead of overwriting it', async () => {
      const s = scenario();
      const [user] = s.pool.addUsers(1);
      const record = poolRecords(s.pool, s.clock.now() - 1000).get(user as string) as UserRecord;
      s.table.put({ ...record, schemaVersion: 99 });

      const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

      expect(result.counts).toMatchObject({ failed: 1, updated: 0 });
      expect(s.table.get(user as string)?.schemaVersion).toBe(99);
    });
  });

  describe('checkpoint and resume', () => {
    const setUp = () => {
      const s = scenario();
      s.pool.addUsers(400);
      s.pool.addUsers(20, 'gone-');
      s.pool.addGroup('gold');
      for (const name of [...s.pool.users.keys()].slice(0, 150)) s.pool.groups.get('gold')?.add(name);
      for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) {
        if (record.username.startsWith('gone-') || Number(record.username.slice(-4)) % 3 === 0)
          putRecord(s.table, record);
      }
      for (const name of [...s.pool.users.keys()]) if (name.startsWith('gone-')) s.pool.users.delete(name);
      return s;
    };

    it.each([
      ['in the listing phase', 'listing' as const, 90],
      ['late in the listing phase', 'listing' as const, 300],
      ['in the table phase', 'table' as const, 0],
    ])(
      'stopped %s: resumes where it stopped, ends as an uninterrupted run, writes no user twice',
      async (_, phase, after) => {
        const reference = setUp();
        const options = {
          mode: 'reconcile' as const,
          ...fast,
          partitions: 1 as const,
          segments: 2,
          scanPageSize: 50,
        };
        const uninterrupted = await runReconcile(reference.deps, options);

        const s = setUp();
        let stop = false;
        const first = await runReconcile(s.deps, {
          ...options,
          shouldStop: () => stop,
          onProgress: (progress) => {
            stop = progress.phase === phase && progress.counts.checked >= after;
          },
        });
        expect(first.complete).toBe(false);
        const saved = await s.checkpoints.load();
        expect(saved?.checkpoint.phase).toBe(phase);

        const second = await runReconcile(s.deps, options);

        expect(second.complete).toBe(true);
        expect(second.counts).toEqual(uninterrupted.counts);
        expect(second.invocations).toBe(2);
        expect(first.delta.checked + second.delta.checked).toBe(uninterrupted.counts.checked);
        expect(new Set(s.table.written).size).toBe(s.table.written.length);
        expect(s.table.written.sort()).toEqual(reference.table.written.sort());
        // The departed users are confirmed one by one, nobody else: the seen set survived the stop.
        expect(callsOf(s, 'AdminGetUser')).toBe(callsOf(reference, 'AdminGetUser'));
        expect(inSync(s)).toEqual(noDrift);
        expect(await s.checkpoints.load()).toBeUndefined();
      },
    );

    it('keeps saving checkpoints (and so renewing its lease) while only group members are left to list', async () => {
      const s = scenario();
      const names = s.pool.addUsers(300);
      s.pool.addGroup('gold');
      for (const name of names) s.pool.groups.get('gold')?.add(name);
      for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) putRecord(s.table, record);
      const saved: { partitionsDone: boolean; groupsLeft: number }[] = [];
      const store = s.checkpoints;
      const watched = {
        ...store,
        save: async (
          checkpoint: Parameters<typeof store.save>[0],
          added: Parameters<typeof store.save>[1],
        ) => {
          saved.push({
            partitionsDone: checkpoint.partitions.every((partition) => partition.done),
            groupsLeft: checkpoint.groups.pending.length,
          });
          return store.save(checkpoint, added);
        },
      };

      // One group listed at 60 a page is slower than sixteen partitions: the group listing is the tail.
      const result = await runReconcile(
        { ...s.deps, checkpoints: watched },
        {
          mode: 'reconcile',
          budget: { ...UNLIMITED, UserList: 2 },
          writesPerSecond: 1e9,
          checkpointEveryMs: 1000,
        },
      );

      expect(result.complete).toBe(true);
      expect(saved.filter((save) => save.partitionsDone && save.groupsLeft > 0).length).toBeGreaterThan(1);
    });

    it('when one partition fails, ends only after every other has stopped, with their progress saved', async () => {
      const s = scenario();
      s.pool.addUsers(2000);
      let listings = 0;
      s.pool.beforeSend = (command) => {
        if (command === 'ListUsers' && ++listings === 30)
          throw Object.assign(new Error('boom'), { name: 'InternalErrorException' });
      };

      await expect(runReconcile(s.deps, { mode: 'backfill', ...fast })).rejects.toThrow('boom');
      const callsWhenItEnded = s.pool.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(s.pool.calls.length).toBe(callsWhenItEnded);
      const saved = await s.checkpoints.load();
      expect(saved?.checkpoint.counts.checked).toBe(s.table.written.length);
      expect(saved?.checkpoint.partitions.some((partition) => partition.token !== undefined)).toBe(true);
      s.pool.beforeSend = undefined;
      const resumed = await runReconcile(s.deps, { mode: 'backfill', ...fast });
      expect(resumed.counts).toMatchObject({ checked: 2000, created: 2000, failed: 0 });
    });

    it('starts a partition over when its saved PaginationToken has expired', async () => {
      const s = scenario();
      s.pool.addUsers(130);
      let stop = false;
      await runReconcile(s.deps, {
        mode: 'backfill',
        partitions: 1,
        ...fast,
        shouldStop: () => stop,
        onProgress: (progress) => {
          stop = progress.counts.checked >= 60;
        },
      });
      const saved = await s.checkpoints.load();
      const checkpoint = saved?.checkpoint as NonNullable<typeof saved>['checkpoint'];
      expect(checkpoint.partitions[0]?.token).toBeDefined();
      await s.checkpoints.save(
        { ...checkpoint, partitions: [{ prefix: '', token: 'expired', done: false }] },
        [],
      );
      s.pool.failNext('ListUsers', new InvalidParameterException({ message: 'expired', $metadata: {} }));

      const result = await runReconcile(s.deps, { mode: 'backfill', partitions: 1, ...fast });

      expect(result).toMatchObject({ complete: true, counts: { created: 130, failed: 0 } });
      expect(inSync(s)).toEqual(noDrift);
    });

    it('refuses a checkpoint written for another pool, mode or dry-run setting', async () => {
      const s = scenario();
      s.pool.addUsers(70);
      let stop = false;
      await runReconcile(s.deps, {
        mode: 'backfill',
        partitions: 1,
        ...fast,
        shouldStop: () => stop,
        onProgress: () => {
          stop = true;
        },
      });

      await expect(runReconcile(s.deps, { mode: 'reconcile' })).rejects.toThrow(CheckpointMismatchError);
      await expect(runReconcile(s.deps, { mode: 'backfill', dryRun: true })).rejects.toThrow(/dryRun/);
      await expect(
        runReconcile({ ...s.deps, userPoolId: 'us-east-1_OTHER' }, { mode: 'backfill' }),
      ).rejects.toThrow(/userPoolId/);
    });
  });

  it('leaves any generated pool and table in sync (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 100 }),
        fc.array(
          fc.constantFrom('missing', 'stale-attr', 'stale-groups', 'disabled', 'gone', 'tombstoned', 'same'),
          { maxLength: 100 },
        ),
        fc.boolean(),
        fc.integer({ min: 1, max: 12 }),
        async (size, fates, ignoresPaging, concurrency) => {
          const s = scenario({ ignoresPaging });
          const names = s.pool.addUsers(size);
          s.pool.addGroup('gold');
          const old = poolRecords(s.pool, s.clock.now() - 10_000);
          names.forEach((name, index) => {
            const fate = fates[index % Math.max(1, fates.length)] ?? 'same';
            const record = old.get(name) as UserRecord;
            if (fate !== 'missing') putRecord(s.table, record);
            const user = s.pool.users.get(name) as { attributes: Record<string, string>; enabled: boolean };
            if (fate === 'stale-attr') user.attributes.name = `renamed ${index}`;
            if (fate === 'stale-groups') s.pool.groups.get('gold')?.add(name);
            if (fate === 'disabled') user.enabled = false;
            if (fate === 'gone') s.pool.users.delete(name);
            if (fate === 'tombstoned') {
              putRecord(s.table, { ...record, deleted: true, deletedAt: record.updatedAt, expiresAt: 1 });
            }
          });

          const result = await runReconcile(s.deps, { mode: 'reconcile', concurrency, ...fast });

          expect(result.counts.failed).toBe(0);
          expect(inSync(s)).toEqual(noDrift);
          const again = await runReconcile(s.deps, { mode: 'reconcile', concurrency, ...fast });
          expect(again.counts).toMatchObject({ created: 0, updated: 0, tombstoned: 0 });
          const records = tableRecords(s.table);
          for (const [name, record] of poolRecords(s.pool, s.clock.now())) {
            expect(sameSnapshot(records.get(name) as UserRecord, record)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 30_000);
});

describe('budgetOf', () => {
  it('takes half of every default quota unless told otherwise, and names a bad category or rate', () => {
    expect(budgetOf()).toMatchObject({ UserList: 15, UserRead: 60, UserResourceRead: 25, UserUpdate: 12.5 });
    expect(budgetOf({ UserList: 5 }, 0.2)).toMatchObject({ UserList: 5, UserRead: 24 });
    expect(() => budgetOf({}, 1.5)).toThrow(/quota share/);
    expect(() => budgetOf({ UserRead: -1 })).toThrow(/UserRead/);
  });
});

describe('what a reconcile reads', () => {
  it('reads records and scans the table eventually consistently: a read only decides where to look closer', async () => {
    const s = scenario();
    s.pool.addUsers(30);
    await runReconcile(s.deps, { mode: 'backfill', ...fast });
    s.table.reads.length = 0;

    await runReconcile(s.deps, { mode: 'reconcile', ...fast });

    const kinds = new Set(s.table.reads.map((read) => `${read.command} ${read.consistent}`));
    expect(kinds).toEqual(new Set(['BatchGetCommand false', 'ScanCommand false']));
  });

  it("buries a departed user's record as it is now, not as the scan showed it a moment ago", async () => {
    const s = scenario();
    const [kept] = s.pool.addUsers(1);
    await runReconcile(s.deps, { mode: 'backfill', ...fast });
    const stale = s.table.get(kept as string);
    // Since the scan's view, the user signed up in the other region during a failover: their record is the other
    // region's now, and they migrate here on first sign-in. The pool here does not have them (yet).
    s.pool.users.delete(kept as string);
    putRecord(s.table, {
      ...(tableRecords(s.table).get(kept as string) as UserRecord),
      origin: OTHER_REGION,
      version: 2,
      updatedAt: s.clock.now(),
    });
    s.table.lagging.set(kept as string, stale ?? null);
    s.clock.advance(1000);

    const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

    expect(result.counts.tombstoned).toBe(0);
    const now = tableRecords(s.table).get(kept as string);
    expect(now?.origin).toBe(OTHER_REGION);
    expect(now?.deleted).not.toBe(true);
  });

  it('still buries a departed user whose record the scan shows as it is', async () => {
    const s = scenario();
    const [gone] = s.pool.addUsers(2);
    await runReconcile(s.deps, { mode: 'backfill', ...fast });
    s.pool.users.delete(gone as string);
    s.clock.advance(1000);

    const result = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

    expect(result.counts.tombstoned).toBe(1);
    expect(tableRecords(s.table).get(gone as string)?.deleted).toBe(true);
  });
});

describe('an incremental reconcile (modifiedSince)', () => {
  /** 100 users captured an hour ago, then three modified in the pool since, unknown to the table. */
  const afterAnHour = async () => {
    const s = scenario();
    const names = s.pool.addUsers(100);
    const capturedAt = s.clock.now();
    for (const name of names) s.pool.modifiedAt.set(name, new Date(capturedAt - 60_000));
    s.pool.addGroup('gold');
    s.pool.groups.get('gold')?.add(names[0] as string);
    await runReconcile(s.deps, { mode: 'backfill', ...fast });
    s.clock.advance(3_600_000);
    const modified = names.slice(10, 13);
    for (const name of modified) {
      const user = s.pool.users.get(name);
      if (user) user.attributes['custom:tier'] = 'gold';
      s.pool.modifiedAt.set(name, new Date(s.clock.now() - 1000));
    }
    s.table.reads.length = 0;
    s.table.batchGets.length = 0;
    return { s, names, modified, since: s.clock.now() - 3_600_000 };
  };

  it('reads only the records of users the pool shows modified since, and repairs those', async () => {
    const { s, modified, since } = await afterAnHour();

    const result = await runReconcile(s.deps, { mode: 'reconcile', modifiedSince: since, ...fast });

    expect(result).toMatchObject({ complete: true, counts: { checked: 100, updated: 3, unchanged: 97 } });
    const users = s.table.batchGets.flat().filter((key) => !key.startsWith('group '));
    expect(users.sort()).toEqual([...modified].sort());
    expect(inSync(s)).toEqual(noDrift);
  });

  it('lists no group members and scans nothing: the full pass does that', async () => {
    const { s, since } = await afterAnHour();

    await runReconcile(s.deps, { mode: 'reconcile', modifiedSince: since, ...fast });

    expect(callsOf(s, 'ListUsersInGroup')).toBe(0);
    // One Scan page: the check that the table is this deployment's, before anything else.
    expect(s.table.reads.filter((read) => read.command === 'ScanCommand')).toHaveLength(1);
  });

  it('leaves to the full pass a change the pool does not date (a group membership), which the full pass repairs', async () => {
    const { s, names, since } = await afterAnHour();
    s.pool.addGroup('silver');
    s.pool.groups.get('silver')?.add(names[50] as string);

    await runReconcile(s.deps, { mode: 'reconcile', modifiedSince: since, ...fast });
    expect(tableRecords(s.table).get(names[50] as string)?.groups).toEqual([]);

    await runReconcile(s.deps, { mode: 'reconcile', ...fast });
    expect(tableRecords(s.table).get(names[50] as string)?.groups).toEqual(['silver']);
  });

  it('reads every listed user whose modification date the listing does not give', async () => {
    const { s, names, since } = await afterAnHour();
    s.pool.modifiedAt.delete(names[70] as string);

    await runReconcile(s.deps, { mode: 'reconcile', modifiedSince: since, ...fast });

    expect(s.table.batchGets.flat()).toContain(names[70]);
  });

  it('stays incremental when continued, whatever the continuation asks for', async () => {
    const { s, since } = await afterAnHour();
    let pages = 0;
    const first = await runReconcile(s.deps, {
      mode: 'reconcile',
      modifiedSince: since,
      shouldStop: () => ++pages > 1,
      ...fast,
    });
    expect(first.complete).toBe(false);

    const rest = await runReconcile(s.deps, { mode: 'reconcile', ...fast });

    expect(rest).toMatchObject({ complete: true, counts: { checked: 100, updated: 3 } });
    expect(callsOf(s, 'ListUsersInGroup')).toBe(0);
  });

  it('is refused for a backfill, which must read every user', async () => {
    const s = scenario();
    await expect(runReconcile(s.deps, { mode: 'backfill', modifiedSince: 0, ...fast })).rejects.toThrow(
      'a backfill reads every user',
    );
  });
});
