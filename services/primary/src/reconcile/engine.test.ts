// The reconciler against a fake pool that pages at 60 (or not at all), a fake table and a fake clock.
import { InvalidParameterException } from '@aws-sdk/client-cognito-identity-provider';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { sameSnapshot, type UserRecord } from '@cognito-dr/shared';
import fc from 'fast-check';
import { CheckpointMismatchError, memoryCheckpointStore } from './checkpoint';
import { tableDrift } from './drift';
import { runReconcile } from './engine';
import { poolRecords, putRecord, scenario, tableRecords } from './testing/scenario';

const inSync = (s: ReturnType<typeof scenario>) => {
  const drift = tableDrift(poolRecords(s.pool, s.clock.now()), tableRecords(s.table));
  return { missing: drift.missing, stale: drift.stale, extra: drift.extra };
};
const noDrift = { missing: [], stale: [], extra: [] };

/** Calls of one command per busiest one-second window. */
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
  describe('backfill', () => {
    it('gives every user of a pool that pages at 60 a record, following PaginationToken to the last page', async () => {
      const s = scenario();
      s.pool.addUsers(150);

      const result = await runReconcile(s.deps, { mode: 'backfill' });

      expect(result).toMatchObject({ complete: true, counts: { checked: 150, created: 150, failed: 0 } });
      expect(s.pool.calls.filter((call) => call === 'ListUsers')).toHaveLength(3);
      expect(inSync(s)).toEqual(noDrift);
      expect(await s.checkpoints.load()).toBeUndefined();
    });

    it('reaches the same end state against an emulator that ignores paging and returns everyone at once', async () => {
      const s = scenario({ ignoresPaging: true });
      s.pool.addUsers(150);

      const result = await runReconcile(s.deps, { mode: 'backfill' });

      expect(result.counts).toMatchObject({ checked: 150, created: 150 });
      expect(s.pool.calls.filter((call) => call === 'ListUsers')).toHaveLength(1);
      expect(inSync(s)).toEqual(noDrift);
    });

    it('keeps record writes under --rate so the replica stays under the backup pool quota', async () => {
      const s = scenario();
      s.pool.addUsers(120);
      const writeTimes: number[] = [];
      s.table.beforePut = () => {
        writeTimes.push(s.clock.now());
      };

      await runReconcile(s.deps, { mode: 'backfill', rates: { writes: 20 }, concurrency: 16 });

      expect(writeTimes).toHaveLength(120);
      expect(busiestSecond(writeTimes)).toBeLessThanOrEqual(20);
    });

    it('paces ListUsers at 30 and the per-user reads at 120 calls per second by default', async () => {
      const s = scenario();
      s.pool.addUsers(600);

      // Undefined (an option not given) keeps the default.
      await runReconcile(s.deps, {
        mode: 'reconcile',
        concurrency: 32,
        rates: { writes: 10_000, userList: undefined, userRead: undefined },
      });

      const times = (command: string) =>
        s.pool.callTimes.filter((call) => call.command === command).map((call) => call.at);
      expect(times('ListUsers')).toHaveLength(10);
      expect(busiestSecond(times('ListUsers'))).toBeLessThanOrEqual(30);
      expect(times('AdminListGroupsForUser')).toHaveLength(600);
      expect(busiestSecond(times('AdminListGroupsForUser'))).toBe(120);
    });
  });

  describe('reconcile', () => {
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

      const result = await runReconcile(s.deps, { mode: 'reconcile' });

      expect(result.counts).toEqual({
        checked: 5,
        created: 0,
        updated: 4,
        tombstoned: 0,
        unchanged: 1,
        failed: 0,
      });
      expect(inSync(s)).toEqual(noDrift);
      expect(tableRecords(s.table).get(same as string)?.version).toBe(before.get(same as string)?.version);
    });

    it('tombstones the record of a user the pool no longer has, after AdminGetUser confirms it is gone', async () => {
      const s = scenario();
      const [kept, gone] = s.pool.addUsers(2);
      for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) putRecord(s.table, record);
      s.pool.users.delete(gone as string);
      s.clock.advance(1000);

      const result = await runReconcile(s.deps, { mode: 'reconcile' });

      expect(result.counts).toMatchObject({ checked: 2, tombstoned: 1, unchanged: 1 });
      const records = tableRecords(s.table);
      expect(records.get(gone as string)).toMatchObject({ deleted: true });
      expect(records.get(kept as string)?.deleted).toBeUndefined();
      expect(s.pool.calls.filter((call) => call === 'AdminGetUser')).toHaveLength(1);
    });

    it('brings back a user re-created under the name of a tombstone', async () => {
      const s = scenario();
      const [back] = s.pool.addUsers(1);
      const record = poolRecords(s.pool, s.clock.now() - 5000).get(back as string) as UserRecord;
      putRecord(s.table, { ...record, deleted: true, deletedAt: record.updatedAt, expiresAt: 1 });

      const result = await runReconcile(s.deps, { mode: 'reconcile' });

      expect(result.counts).toMatchObject({ created: 1 });
      expect(tableRecords(s.table).get(back as string)?.deleted).toBeUndefined();
    });

    it('does not overwrite a record written after the pool was read', async () => {
      const s = scenario();
      const [user] = s.pool.addUsers(1);
      const newer = poolRecords(s.pool, s.clock.now() + 60_000).get(user as string) as UserRecord;
      putRecord(s.table, { ...newer, attributes: { ...newer.attributes, 'custom:tier': 'newer' } });

      const result = await runReconcile(s.deps, { mode: 'reconcile' });

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

      const dry = await runReconcile(s.deps, { mode: 'reconcile', dryRun: true });

      expect(dry.counts).toEqual({
        checked: 5,
        created: 2,
        updated: 1,
        tombstoned: 1,
        unchanged: 1,
        failed: 0,
      });
      expect([...s.table.items]).toEqual(itemsBefore);
      expect(s.table.calls).not.toContain('PutCommand');

      const real = await runReconcile(s.deps, { mode: 'reconcile' });
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

      const result = await runReconcile(s.deps, { mode: 'reconcile', onFailure: (f) => failures.push(f) });

      expect(result).toMatchObject({ complete: true, counts: { created: 9, failed: 1 } });
      expect(failures).toEqual([
        {
          user: expect.stringMatching(/^[0-9a-f]{16}$/),
          phase: 'pool',
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

      const result = await runReconcile(s.deps, { mode: 'reconcile' });

      expect(result.counts).toMatchObject({ failed: 1, updated: 0 });
      expect(s.table.get(user as string)?.schemaVersion).toBe(99);
    });
  });

  describe('checkpoint and resume', () => {
    const stopAfter = (count: number, counts: () => number) => () => counts() >= count;

    it.each([
      ['one user at a time, stopped in the pool phase', 1, 70],
      ['eight at a time, stopped in the pool phase', 8, 95],
      ['one at a time, stopped in the table phase', 1, 135],
    ])(
      '%s: resumes where it stopped, ends as an uninterrupted run, does no user twice',
      async (_, concurrency, stop) => {
        const setUp = () => {
          const s = scenario();
          s.pool.addUsers(120);
          s.pool.addUsers(20, 'gone-');
          for (const record of poolRecords(s.pool, s.clock.now() - 1000).values()) {
            if (record.username.startsWith('gone-') || Number(record.username.slice(-4)) % 3 === 0) {
              putRecord(s.table, record);
            }
          }
          for (const name of [...s.pool.users.keys()])
            if (name.startsWith('gone-')) s.pool.users.delete(name);
          return s;
        };
        const reference = setUp();
        const uninterrupted = await runReconcile(reference.deps, { mode: 'reconcile', concurrency });

        const s = setUp();
        let checked = 0;
        const first = await runReconcile(s.deps, {
          mode: 'reconcile',
          concurrency,
          shouldStop: stopAfter(stop, () => checked),
          onProgress: (progress) => {
            checked = progress.counts.checked;
          },
        });
        expect(first.complete).toBe(false);
        expect(await s.checkpoints.load()).toBeDefined();
        const listedBeforeStop = s.pool.calls.filter((call) => call === 'ListUsers').length;

        const second = await runReconcile(s.deps, { mode: 'reconcile', concurrency });

        expect(second.complete).toBe(true);
        expect(second.counts).toEqual(uninterrupted.counts);
        expect(first.delta.checked + second.delta.checked).toBe(uninterrupted.counts.checked);
        expect(new Set(s.table.written).size).toBe(s.table.written.length);
        expect(s.table.written.sort()).toEqual(reference.table.written.sort());
        expect(s.pool.calls.filter((call) => call === 'AdminListGroupsForUser')).toHaveLength(120);
        expect(s.pool.calls.filter((call) => call === 'AdminGetUser')).toHaveLength(20);
        // The page the run stopped in is fetched once more; no other page is.
        expect(s.pool.calls.filter((call) => call === 'ListUsers').length).toBeLessThanOrEqual(
          Math.max(listedBeforeStop, 2) + 2,
        );
        expect(inSync(s)).toEqual(noDrift);
        expect(await s.checkpoints.load()).toBeUndefined();
      },
    );

    it('still ends in sync when the seen set was dropped from the checkpoint (a payload too large for Lambda)', async () => {
      const s = scenario();
      s.pool.addUsers(90);
      let stop = false;
      const first = await runReconcile(s.deps, {
        mode: 'reconcile',
        concurrency: 1,
        shouldStop: () => stop,
        onProgress: (progress) => {
          stop = progress.counts.checked >= 75;
        },
      });
      const checkpoint = { ...first.checkpoint, seen: undefined } as NonNullable<typeof first.checkpoint>;

      const second = await runReconcile(
        { ...s.deps, checkpoints: memoryCheckpointStore(checkpoint) },
        { mode: 'reconcile' },
      );

      expect(second.counts).toMatchObject({ checked: 90, created: 90, failed: 0 });
      expect(inSync(s)).toEqual(noDrift);
    });

    it.each([
      ['in the middle of a page', 10],
      ['between two pages', 0],
    ])(
      'starts the listing over when the saved PaginationToken has expired (stopped %s)',
      async (_, index) => {
        const s = scenario();
        s.pool.addUsers(130);
        let stop = false;
        await runReconcile(s.deps, {
          mode: 'backfill',
          concurrency: 1,
          shouldStop: () => stop,
          onProgress: (progress) => {
            stop = progress.counts.checked >= 70;
          },
        });
        const saved = await s.checkpoints.load();
        await s.checkpoints.save({
          ...(saved as NonNullable<typeof saved>),
          pool: { token: 'expired', index },
        });
        s.pool.failNext('ListUsers', new InvalidParameterException({ message: 'expired', $metadata: {} }));

        const result = await runReconcile(s.deps, { mode: 'backfill' });

        expect(result).toMatchObject({ complete: true, counts: { created: 130, failed: 0 } });
        expect(inSync(s)).toEqual(noDrift);
      },
    );

    it('refuses a checkpoint written for another pool, mode or dry-run setting', async () => {
      const s = scenario();
      s.pool.addUsers(70);
      let stop = false;
      await runReconcile(s.deps, {
        mode: 'backfill',
        concurrency: 1,
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
          {
            maxLength: 100,
          },
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

          // Pacing is covered above; here it would only slow the fake clock down.
          const rates = { userList: 1e9, userRead: 1e9, writes: 1e9 };
          const result = await runReconcile(s.deps, { mode: 'reconcile', concurrency, rates });

          expect(result.counts.failed).toBe(0);
          expect(inSync(s)).toEqual(noDrift);
          const again = await runReconcile(s.deps, { mode: 'reconcile', concurrency, rates });
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
