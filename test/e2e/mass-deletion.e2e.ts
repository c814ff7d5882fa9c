// A mass deletion in the primary pool, end to end on the local stack: 30 of 40 users deleted straight in the primary
// pool, as a bad script would, are captured from their CloudTrail records as tombstones that reach the backup region;
// the deletion breaker lets the first few through and holds the rest in the backup pool; `cognito-dr restore` brings
// all 30 back to the primary pool from their tombstones, as they were; `cognito-dr deletes --release` finds their
// records live again and drops the holds without deleting anyone; verify finds no drift and the primary pool agrees
// with the table.
//
// The breaker counts every deletion of the backup pool, whoever asks: this test trips it for the whole stack until
// its release re-arms it, so a deletion another suite makes meanwhile is held too (and applied by that release).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { userRef, useUserRefKey } from '@cognito-dr/shared';
import { directly, inParallel } from '../support/directly';
import { eventually } from '../support/eventually';
import { type CliRun, operator } from '../support/operator';
import { asBackupHolds, expectedBackup, readPool } from '../support/pool-comparison';
import { backupPool, backupTable, primaryPool, primaryTable, stack } from '../support/stack';

// The emulators have no quotas: the pacing per category is covered by unit tests, so here it only needs to be fast.
const FAST = ['--quota-share', '1', '--concurrency', '16'];
const RUN_FAST = [
  '--rate',
  '1000',
  '--user-read-rps',
  '1000',
  '--user-list-rps',
  '100',
  '--concurrency',
  '16',
];
const GROUP = 'mass-gold';

type Drift = { missing: number; stale: number; extra: number };
type Hold = { region: string; username: string; state: string; version?: number; heldAt: string };

/** A user as a pool holds it, or null; `sub` is that pool's own. */
const poolUser = async (pool: CognitoIdentityProviderClient, UserPoolId: string, Username: string) => {
  try {
    const user = await pool.send(new AdminGetUserCommand({ UserPoolId, Username }));
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
    const { Groups } = await pool.send(new AdminListGroupsForUserCommand({ UserPoolId, Username }));
    return {
      sub: attributes.sub,
      enabled: user.Enabled !== false,
      groups: (Groups ?? []).map((group) => group.GroupName),
    };
  } catch (error) {
    if ((error as Error).name === 'UserNotFoundException') return null;
    throw error;
  }
};
const inBackup = (username: string) => poolUser(backupPool, stack.backup.userPoolId, username);

const recordIn = async (table: typeof primaryTable, tableName: string, username: string) =>
  (await table.send(new GetCommand({ TableName: tableName, Key: { username }, ConsistentRead: true }))).Item;

/** The DeletionsHeld counts of the EMF documents (one JSON object per line) in a stretch of a function's log. */
const deletionsHeldIn = (log: string) =>
  log
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"DeletionsHeld"'))
    .map((line) =>
      ([] as number[]).concat((JSON.parse(line) as { DeletionsHeld: number | number[] }).DeletionsHeld),
    )
    .reduce((sum, values) => sum + values.reduce((a, b) => a + b, 0), 0);

const heldIn = (run: CliRun, usernames: string[]) =>
  (run.json.holds as Hold[]).filter((hold) => hold.state === 'held' && usernames.includes(hold.username));

describe('a mass deletion in the primary pool', () => {
  // Whatever happened above, the breaker must not go on holding the other suites' deletions: releasing every hold
  // applies what is still a tombstone and re-arms it.
  afterAll(() => operator.runs('deletes', '--release'));

  it('is held by the breaker in the backup pool, undone by restore, and leaves no drift', async () => {
    // Given 40 users replicated to the backup pool: five in a group, one disabled
    await directly.ensureGroup(GROUP);
    const users = await directly.createUsers(40, (index) => ({ 'custom:tier': `tier-${index % 3}` }));
    const [disabled, ...rest] = users as [string, ...string[]];
    const grouped = rest.slice(0, 5);
    // One at a time: cognito-local rewrites a group's member list whole, so parallel additions can lose members.
    for (const username of grouped) await directly.addToGroup(username, GROUP);
    await directly.disable(disabled);
    // Reconcile brings every record up to date (CloudTrail's capture of a change can lag by seconds).
    expect((await operator.runs('reconcile', ...RUN_FAST)).code).toBe(0);
    // A guard, not a target: 40 users replicate in seconds, but a loaded 2-core machine can take several times that.
    await eventually(
      () => Promise.all(users.map(inBackup)),
      (seen) =>
        seen.every((user) => user !== null) &&
        seen[0]?.enabled === false &&
        seen.slice(1, 6).every((user) => user?.groups.includes(GROUP)),
      { within: 90_000, what: 'the 40 users in the backup pool, grouped and disabled' },
    );
    const victims = users.slice(0, 30);
    // Each victim as the primary pool holds them before the deletion: what a restore must give back.
    const asTheyWere = await readPool(primaryPool, stack.primary.userPoolId, victims);
    expect(asTheyWere.size).toBe(30);
    const homeSubs = new Map(victims.map((username) => [username, asTheyWere.get(username)?.attributes.sub]));
    for (const username of victims) {
      expect((await recordIn(primaryTable, stack.primary.tableName, username))?.sub).toBe(
        homeSubs.get(username),
      );
    }

    // When a script deletes 30 of them straight in the primary pool (only CloudTrail's record of each call tells)
    const replicaLog = join(stack.logs, 'replica-offline.log');
    const logFrom = statSync(replicaLog).size;
    const before = new Date(Date.now() - 1000).toISOString();
    await inParallel(victims, (username) => directly.delete(username));

    // Then every deletion reaches the backup region, where each user is either deleted or held, and held ones stay
    const settled = await eventually(
      async () => {
        const list = await operator.runs('deletes', '--list');
        const held = new Set(heldIn(list, victims).map((hold) => hold.username));
        const present = await Promise.all(victims.map(inBackup));
        return { held, present, list };
      },
      ({ held, present }) => victims.every((username, i) => held.has(username) !== (present[i] === null)),
      { within: 60_000, what: 'each deleted user gone from the backup pool or held there' },
    );
    const { UserPool } = await backupPool.send(
      new DescribeUserPoolCommand({ UserPoolId: stack.backup.userPoolId }),
    );
    const threshold = Math.max(10, Math.floor((UserPool?.EstimatedNumberOfUsers ?? 0) / 100));
    const held = [...settled.held];
    expect(held.length).toBeGreaterThanOrEqual(30 - threshold);
    expect(heldIn(settled.list, victims).every((hold) => hold.region === stack.backup.region)).toBe(true);
    for (const username of held) {
      const record = await recordIn(backupTable, stack.backup.tableName, username);
      expect(record?.deleted).toBe(true);
      expect(heldIn(settled.list, [username])[0]?.version).toBe(record?.version);
    }
    // The replica said so: DeletionsHeld in its metrics (EMF) for each, and a log line naming each by reference only.
    const logged = readFileSync(replicaLog, 'utf8').slice(logFrom);
    expect(deletionsHeldIn(logged)).toBeGreaterThanOrEqual(held.length);
    // References are keyed with the stack's user-reference key, as every function of the stack keys them.
    useUserRefKey(readFileSync(join(dirname(stack.logs), 'user-ref-key'), 'utf8'));
    for (const username of held) expect(logged).toContain(userRef(username));
    expect(logged).not.toContain(`${held[0]}@example.com`);
    const backupSubs = new Map(
      await Promise.all(held.map(async (u) => [u, (await inBackup(u))?.sub] as const)),
    );

    // When the operator restores every user deleted since just before the script ran
    const restore = await operator.runs('restore', '--deleted-since', before, ...FAST, '--verbose');

    // Then all 30 are back in the primary pool as they were (attributes, enabled state, groups, confirmed), each a new
    // pool user linked to their old sub by custom:source_sub
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect((restore.json.users as { restored: string[] }).restored).toEqual(expect.arrayContaining(victims));
    expect(restore.json.failed).toEqual({});
    const restored = await readPool(primaryPool, stack.primary.userPoolId, victims);
    for (const username of victims) {
      const was = asTheyWere.get(username);
      const now = restored.get(username);
      expect(now && asBackupHolds(now)).toEqual(was && expectedBackup(was));
      expect(now?.attributes.sub).not.toBe(homeSubs.get(username));
    }
    expect(restored.get(disabled)?.enabled).toBe(false);
    for (const username of grouped) expect(restored.get(username)?.groups).toEqual([GROUP]);

    // And they reach the backup pool the same, the held users converged in place (the same backup users), the others
    // re-created
    await eventually(
      () => readPool(backupPool, stack.backup.userPoolId, victims),
      (seen) =>
        victims.every((username) => {
          const was = asTheyWere.get(username);
          const backup = seen.get(username);
          return (
            was !== undefined &&
            backup !== undefined &&
            isDeepStrictEqual(asBackupHolds(backup), expectedBackup(was))
          );
        }),
      { within: 60_000, what: 'the 30 restored users in the backup pool as they were' },
    );
    for (const username of held) expect((await inBackup(username))?.sub).toBe(backupSubs.get(username));

    // When the operator settles the held deletions with --release, the runbook's step after a restore: a held user
    // whose record is live again is kept and only the hold goes, while one the restore could not bring back is
    // deleted after all, as the primary pool's deletion asked (--discard would keep such a user instead)
    const release = await operator.runs('deletes', '--release', '--verbose');

    // Then every held user's record is live again, so each hold is dropped and nobody is deleted
    expect(release.code).toBe(0);
    const backupRegion = (
      release.json.regions as { region: string; users: { live: string[]; deleted: string[] } }[]
    ).find((region) => region.region === stack.backup.region);
    expect(backupRegion?.users.live).toEqual(expect.arrayContaining(held));
    expect(backupRegion?.users.deleted.filter((username) => victims.includes(username))).toEqual([]);
    expect(heldIn(await operator.runs('deletes', '--list'), victims)).toEqual([]);
    expect((await Promise.all(users.map(inBackup))).every((user) => user !== null)).toBe(true);

    // And verify finds no drift, and the primary pool agrees with the table
    await eventually(
      () => operator.runs('verify'),
      (run) => run.code === 0,
      { within: 60_000, what: 'verify reporting no drift between the table and the backup pool' },
    );
    await eventually(
      () => operator.runs('status'),
      (run) => {
        const drift = (run.json.drift as { primaryToTable: Drift }).primaryToTable;
        return drift.missing + drift.stale + drift.extra === 0;
      },
      { within: 60_000, what: 'status reporting the primary pool in sync with the table' },
    );

    // And restoring them again changes nothing
    const again = await operator.runs('restore', ...victims.flatMap((username) => ['--user', username]));
    expect(again.json).toMatchObject({ restored: 0, skipped: { 'not-a-tombstone': 30 } });
  }, 180_000);
});
