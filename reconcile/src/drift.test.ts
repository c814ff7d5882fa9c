// Property tests of the drift verdicts over generated pools, tables and backup users.
import { SOURCE_SUB_ATTRIBUTE, type TargetUserState, type UserRecord } from '@cognito-dr/shared';
import {
  attributesArb,
  backupStateArb,
  groupsArb,
  recordArb,
} from '@cognito-dr/shared/src/testing/arbitraries';
import { mirrorMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import fc from 'fast-check';
import { backupDrift, driftCount, recordAction, tableDrift } from './drift';

const live = (record: UserRecord): UserRecord => {
  const { deleted: _d, deletedAt: _a, expiresAt: _e, ...rest } = record;
  return rest;
};
const bury = (record: UserRecord): UserRecord => ({ ...record, deleted: true, deletedAt: 1, expiresAt: 1 });

type Fate = 'in-sync' | 'missing' | 'tombstoned' | 'stale' | 'extra';

/** A pool of live users with unique names, and what happened to each one's record. */
const poolWithFates = fc
  .uniqueArray(
    fc.tuple(recordArb, fc.constantFrom<Fate>('in-sync', 'missing', 'tombstoned', 'stale', 'extra')),
    {
      selector: ([record]) => record.username,
      maxLength: 60,
    },
  )
  .chain((entries) =>
    fc.tuple(
      fc.constant(entries.map(([record, fate]) => [live(record), fate] as const)),
      fc.array(fc.tuple(attributesArb, groupsArb, fc.boolean()), {
        minLength: entries.length,
        maxLength: entries.length,
      }),
    ),
  );

describe('tableDrift', () => {
  it('finds exactly the users whose record is missing, stale or left over (fast-check)', () => {
    fc.assert(
      fc.property(poolWithFates, ([entries, changes]) => {
        const pool = new Map<string, UserRecord>();
        const records = new Map<string, UserRecord>();
        const expected = { missing: [] as string[], stale: [] as string[], extra: [] as string[] };
        entries.forEach(([record, fate], index) => {
          const [attributes, groups, enabled] = changes[index] as [Record<string, string>, string[], boolean];
          if (fate !== 'extra') pool.set(record.username, record);
          if (fate === 'in-sync') records.set(record.username, { ...record, version: record.version + 3 });
          if (fate === 'tombstoned') records.set(record.username, bury(record));
          if (fate === 'extra') records.set(record.username, record);
          if (fate === 'stale') {
            const changed = { ...record, attributes, groups, enabled };
            const differs =
              JSON.stringify([attributes, groups, enabled]) !==
              JSON.stringify([record.attributes, record.groups, record.enabled]);
            records.set(record.username, differs ? changed : { ...record, enabled: !record.enabled });
          }
          if (fate === 'missing' || fate === 'tombstoned') expected.missing.push(record.username);
          if (fate === 'stale') expected.stale.push(record.username);
          if (fate === 'extra') expected.extra.push(record.username);
        });

        const drift = tableDrift(pool, records);

        expect(drift.missing).toEqual(expected.missing.sort());
        expect(drift.stale).toEqual(expected.stale.sort());
        expect(drift.extra).toEqual(expected.extra.sort());
        expect(drift.inSync + drift.missing.length + drift.stale.length).toBe(pool.size);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores tombstones of users the pool no longer has: they are the intended end state', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(driftCount(tableDrift(new Map(), new Map([[record.username, bury(record)]])))).toBe(0);
      }),
    );
  });
});

describe('recordAction', () => {
  it('creates, updates or leaves alone, and never judges a record newer than the read (fast-check)', () => {
    fc.assert(
      fc.property(recordArb, fc.option(recordArb, { nil: null }), (snapshotArb, currentArb) => {
        const snapshot = live(snapshotArb);
        const current = currentArb && { ...currentArb, username: snapshot.username };
        const action = recordAction(snapshot, current);
        if (!current) expect(action).toBe('create');
        else if (current.updatedAt >= snapshot.updatedAt) expect(action).toBe('none');
        else if (current.deleted) expect(action).toBe('create');
        else expect(action).not.toBe('create');
        // Same content, read earlier: nothing to write.
        expect(recordAction(snapshot, { ...snapshot, updatedAt: snapshot.updatedAt - 1, version: 7 })).toBe(
          'none',
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('backupDrift', () => {
  const converged = (record: UserRecord): TargetUserState => ({
    attributes: {
      ...record.attributes,
      sub: 'backup-sub',
      [SOURCE_SUB_ATTRIBUTE]: record.sub,
      // Linked to the record's provider users, as Cognito lists them.
      ...(record.identities ? { identities: JSON.stringify(record.identities) } : {}),
    },
    enabled: record.enabled,
    status: ['CONFIRMED', 'RESET_REQUIRED', 'EXTERNAL_PROVIDER'].includes(record.status)
      ? 'CONFIRMED'
      : 'FORCE_CHANGE_PASSWORD',
    groups: [...record.groups],
  });

  it('flags exactly the users that do not mirror their record, each in one bucket (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(recordArb, { selector: (record) => record.username, maxLength: 30 }).chain((records) =>
          fc.tuple(
            fc.constant(records),
            fc.tuple(...records.map((record) => fc.option(backupStateArb(record), { nil: null }))),
            fc.uniqueArray(
              fc.string({ minLength: 1, maxLength: 8 }).map((name) => `unmanaged-${name}`),
              {
                maxLength: 3,
              },
            ),
          ),
        ),
        ([records, states, unmanaged]) => {
          const table = new Map(records.map((record) => [record.username, record]));
          const backup = new Map<string, TargetUserState>();
          records.forEach((record, index) => {
            const state = states[index];
            if (state) backup.set(record.username, state);
          });
          for (const name of unmanaged)
            backup.set(name, { attributes: {}, enabled: true, status: 'CONFIRMED', groups: [] });

          const drift = backupDrift(backup, table);

          const flagged = [...drift.missing, ...drift.stale.map((s) => s.username), ...drift.extra];
          expect(new Set(flagged).size).toBe(flagged.length);
          for (const record of records) {
            const mismatches = mirrorMismatches(backup.get(record.username) ?? null, record);
            expect(flagged.includes(record.username)).toBe(mismatches.length > 0);
          }
          for (const name of unmanaged) expect(drift.extra).toContain(name);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports a converged backup pool as in sync', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(recordArb, { selector: (record) => record.username, maxLength: 30 }),
        (all) => {
          const records = all.map(live);
          const backup = new Map(records.map((record) => [record.username, converged(record)]));
          const drift = backupDrift(backup, new Map(records.map((record) => [record.username, record])));
          expect(driftCount(drift)).toBe(0);
          expect(drift.inSync).toBe(records.length);
        },
      ),
    );
  });

  it('names the kinds of call that would fix a stale user, never attribute values', () => {
    const record: UserRecord = {
      username: 'alice',
      schemaVersion: 1,
      sub: 'sub-1',
      attributes: { email: 'alice@example.com', 'custom:tier': 'gold' },
      enabled: false,
      status: 'CONFIRMED',
      groups: ['admins'],
      updatedAt: 1,
      version: 1,
      origin: 'us-east-1',
    };
    const state = { ...converged(record), enabled: true, groups: [] };
    state.attributes['custom:tier'] = 'silver';

    const drift = backupDrift(new Map([['alice', state]]), new Map([['alice', record]]));

    expect(drift.stale).toEqual([
      { username: 'alice', operations: ['disable', 'updateAttributes', 'ensureGroup', 'addToGroup'] },
    ]);
    expect(JSON.stringify(drift)).not.toContain('gold');
  });
});
