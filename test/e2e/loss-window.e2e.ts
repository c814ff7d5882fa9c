// The loss window, closed end to end on the local stack: users that no trigger ever captured (created before
// installation, or by another tool) and changes made straight on the primary pool reach the backup pool once the
// operator runs backfill and reconcile, and verify then finds nothing left to fix.
import { directly, inParallel } from '../support/directly';
import { eventually } from '../support/eventually';
import { type CliRun, operator } from '../support/operator';
import { comparePools } from '../support/pool-comparison';
import { when } from '../support/when';

type Counts = Record<'checked' | 'created' | 'updated' | 'tombstoned' | 'unchanged' | 'failed', number>;
type Drift = { missing: number; stale: number; extra: number; users?: Record<string, string[]> };
const countsOf = (run: CliRun) => run.json.counts as Counts;
const tableDriftOf = (run: CliRun) => (run.json.drift as { primaryToTable: Drift }).primaryToTable;

// The emulators have no quotas: the default pacing (Cognito's quotas) is covered by unit tests, so here it only
// needs to be fast.
const FAST = ['--rate', '1000', '--user-read-rps', '1000', '--user-list-rps', '100', '--concurrency', '16'];

const theBackupPoolMatchesTheTable = () =>
  eventually(
    () => operator.runs('verify'),
    (run) => run.code === 0,
    { within: 90_000, what: 'verify reporting no drift between the table and the backup pool' },
  );

describe('closing the loss window with backfill and reconcile', () => {
  // Nothing else captures these changes: CloudTrail delivery is best-effort, and here it is lost altogether.
  beforeAll(() => when.cloudTrailDelivers(false));
  afterAll(() => when.cloudTrailDelivers(true));

  it('brings 300 uncaptured users, and edits and a deletion made directly on the pool, to the backup pool', async () => {
    // Given 300 users that exist only in the primary pool: created by an administrator, never confirmed through
    // the PostConfirmation trigger, so nothing captured them. A fifth of them are in a group.
    await directly.ensureGroup('lw-silver');
    await directly.ensureGroup('lw-gold');
    const users = await directly.createUsers(300, (index) => ({
      'custom:tier': `tier-${index % 7}`,
      name: `Loss Window ${index}`,
    }));
    const silver = users.filter((_, index) => index % 5 === 0);
    await inParallel(silver, (username) => directly.addToGroup(username, 'lw-silver'));

    const before = await operator.runs('status', '--verbose');
    expect(before.code).toBe(0);
    expect(tableDriftOf(before).users?.missing).toEqual(expect.arrayContaining(users));

    // When the operator backfills
    const backfill = await operator.runs('backfill', ...FAST);

    expect(backfill.stderr).toBe('');
    expect(backfill.code).toBe(0);
    expect(countsOf(backfill).created).toBeGreaterThanOrEqual(300);
    expect(countsOf(backfill).failed).toBe(0);
    await theBackupPoolMatchesTheTable();
    let pools = await comparePools(users);
    expect(pools.actual).toEqual(pools.expected);

    // When users change straight on the primary pool: attributes, group memberships, a disable and a deletion
    const [removedFromSilver] = silver;
    const edited = users.slice(1, 6);
    const joinedGold = users.slice(6, 11);
    const disabled = users.slice(11, 14);
    const deleted = users[14] as string;
    await inParallel(edited, (username) =>
      directly.updateAttributes(username, { 'custom:tier': 'platinum', name: 'Renamed Directly' }),
    );
    await inParallel(joinedGold, (username) => directly.addToGroup(username, 'lw-gold'));
    await directly.removeFromGroup(removedFromSilver as string, 'lw-silver');
    await inParallel(disabled, (username) => directly.disable(username));
    await directly.delete(deleted);

    // A dry run reports the drift and changes nothing
    const dryRun = await operator.runs('reconcile', ...FAST, '--dry-run', '--verbose');
    expect(dryRun.code).toBe(0);
    const wouldUpdate = (dryRun.json.users as Record<string, string[]>).updated ?? [];
    expect(wouldUpdate).toEqual(
      expect.arrayContaining([...edited, ...joinedGold, ...disabled, removedFromSilver]),
    );
    expect((dryRun.json.users as Record<string, string[]>).tombstoned).toContain(deleted);
    const afterDryRun = tableDriftOf(await operator.runs('status', '--verbose'));
    expect(afterDryRun.users?.stale).toEqual(expect.arrayContaining(edited));
    expect(afterDryRun.users?.extra).toContain(deleted);

    // and reconcile repairs it
    const reconcile = await operator.runs('reconcile', ...FAST);

    expect(reconcile.code).toBe(0);
    expect(countsOf(reconcile).updated).toBeGreaterThanOrEqual(14);
    expect(countsOf(reconcile).tombstoned).toBeGreaterThanOrEqual(1);
    expect(countsOf(reconcile).failed).toBe(0);
    await theBackupPoolMatchesTheTable();
    pools = await comparePools(users);
    expect(pools.actual).toEqual(pools.expected);
    expect(pools.expected[deleted]).toBeNull();
    expect(pools.actual[edited[0] as string]?.attributes['custom:tier']).toBe('platinum');
    expect(pools.actual[disabled[0] as string]?.enabled).toBe(false);
    expect(pools.actual[joinedGold[0] as string]?.groups).toEqual(['lw-gold']);
    expect(pools.actual[removedFromSilver as string]?.groups).toEqual([]);
  }, 240_000);
});
