// Region roles: the defaults without an item, the verdict every consumer applies, conditional switches, caching.
import {
  applyVerdict,
  initialRoles,
  type RegionRoles,
  ROLES_KEY,
  RolesConflictError,
  RolesFormatError,
  type RolesTable,
  readRoles,
  rolesFromItem,
  rolesReader,
  writeRoles,
} from './region-roles';
import { FakeControlTable } from './testing/fake-control-table';

const PRIMARY = 'us-east-1';
const BACKUP = 'ap-northeast-1';

const where = (control: FakeControlTable): RolesTable => ({
  table: control.client,
  tableName: 'control',
  primaryRegion: PRIMARY,
  backupRegion: BACKUP,
});

const failedOver = (overrides: Partial<RegionRoles> = {}): RegionRoles => ({
  ...initialRoles(PRIMARY, BACKUP),
  active: BACKUP,
  posture: { [PRIMARY]: 'unknown', [BACKUP]: 'active' },
  epoch: 1,
  revision: 3,
  updatedAt: 1_000,
  ...overrides,
});

describe('region roles', () => {
  it('default to the primary region active and the backup standby when no item was ever written', async () => {
    const roles = await readRoles(where(new FakeControlTable()));
    expect(roles).toEqual(initialRoles(PRIMARY, BACKUP));
    expect(roles.active).toBe(PRIMARY);
    expect(roles.posture).toEqual({ [PRIMARY]: 'active', [BACKUP]: 'standby' });
  });

  describe('the consumer of each region applies', () => {
    const steady = initialRoles(PRIMARY, BACKUP);

    it('records of the active region into the standby pool, and nothing else', () => {
      expect(applyVerdict(steady, BACKUP, PRIMARY)).toEqual({ apply: true });
      expect(applyVerdict(steady, PRIMARY, BACKUP)).toEqual({ apply: false, reason: 'this-region-active' });
      expect(applyVerdict(steady, BACKUP, BACKUP)).toEqual({ apply: false, reason: 'own-origin' });
    });

    it('nothing into a target being failed over to: the failover catches it up from the table', () => {
      const pausing = { ...steady, state: 'failing-over' as const, target: BACKUP };
      expect(applyVerdict(pausing, BACKUP, PRIMARY)).toEqual({ apply: false, reason: 'paused' });
    });

    it('after a failover, records of the backup into the primary once its posture is standby', () => {
      expect(applyVerdict(failedOver(), PRIMARY, BACKUP)).toEqual({ apply: false, reason: 'posture' });
      const prepared = failedOver({ posture: { [PRIMARY]: 'standby', [BACKUP]: 'active' } });
      expect(applyVerdict(prepared, PRIMARY, BACKUP)).toEqual({ apply: true });
      // A late write of the old primary is not applied into the pool that now serves users.
      expect(applyVerdict(prepared, BACKUP, PRIMARY)).toEqual({ apply: false, reason: 'this-region-active' });
    });
  });

  it('are switched only from the revision that was read, so two operators cannot interleave', async () => {
    const control = new FakeControlTable();
    const before = await readRoles(where(control));
    const written = await writeRoles(
      where(control),
      before,
      { ...before, state: 'failing-over', target: BACKUP },
      500,
    );
    expect(written).toMatchObject({ revision: 1, state: 'failing-over', target: BACKUP, updatedAt: 500 });
    expect(await readRoles(where(control))).toEqual(written);

    await expect(writeRoles(where(control), before, { ...before, active: BACKUP }, 600)).rejects.toThrow(
      RolesConflictError,
    );
    const again = await writeRoles(
      where(control),
      written,
      { ...written, active: BACKUP, state: 'steady' },
      400,
    );
    // A clock behind the last write still moves updatedAt forward: the global table keeps the newest write.
    expect(again).toMatchObject({ revision: 2, active: BACKUP, updatedAt: 501 });
  });

  it('refuse an item that names another pair of regions, or that does not parse', async () => {
    const control = new FakeControlTable();
    control.item = {
      key: ROLES_KEY,
      ...failedOver(),
      regions: ['eu-west-1', BACKUP],
      posture: { 'eu-west-1': 'active', [BACKUP]: 'standby' },
    };
    await expect(readRoles(where(control))).rejects.toThrow(RolesConflictError);
    expect(() => rolesFromItem({ ...failedOver(), state: 'sideways' })).toThrow(RolesFormatError);
    expect(() => rolesFromItem({ ...failedOver(), active: 'mars-1' })).toThrow(
      /active must be one of regions/,
    );
    expect(() => rolesFromItem({ ...failedOver(), posture: { [PRIMARY]: 'active' } })).toThrow(/posture of/);
    expect(() => rolesFromItem({ ...failedOver(), pools: { [PRIMARY]: 'us-east-1_P' } })).toThrow(
      /pools must name a pool id for each region/,
    );
  });

  it("carry each region's pool once a switch recorded them, and read without them from items written before", () => {
    const pools = { [PRIMARY]: 'us-east-1_P', [BACKUP]: 'ap-northeast-1_B' };
    expect(rolesFromItem({ ...failedOver(), pools }).pools).toEqual(pools);
    expect(rolesFromItem({ ...failedOver() })).not.toHaveProperty('pools');
  });

  it('carry from when a pool left in posture unknown is behind, and refuse one that names no region or time', () => {
    expect(rolesFromItem({ ...failedOver(), behindSince: { [BACKUP]: 42 } }).behindSince).toEqual({
      [BACKUP]: 42,
    });
    expect(rolesFromItem({ ...failedOver() })).not.toHaveProperty('behindSince');
    expect(() => rolesFromItem({ ...failedOver(), behindSince: { 'mars-1': 42 } })).toThrow(/behindSince/);
    expect(() => rolesFromItem({ ...failedOver(), behindSince: { [BACKUP]: 'soon' } })).toThrow(
      /behindSince/,
    );
  });

  it('are cached briefly by functions, and a failed read falls back to the last answer for a while', async () => {
    const control = new FakeControlTable();
    control.item = { key: 'region-roles', ...failedOver() };
    let now = 0;
    const roles = rolesReader({ ...where(control), cacheMs: 1_000, staleMs: 10_000, now: () => now });
    expect((await roles()).active).toBe(BACKUP);
    now = 500;
    await roles();
    expect(control.gets).toBe(1);

    control.failGets = true;
    now = 5_000;
    expect((await roles()).active).toBe(BACKUP);
    now = 20_000;
    await expect(roles()).rejects.toThrow('unreachable');
  });

  it('are read past the cache on request, with no stale answer when that read fails, and the cache follows', async () => {
    const control = new FakeControlTable();
    control.item = { key: 'region-roles', ...failedOver() };
    const roles = rolesReader({ ...where(control), cacheMs: 60_000, now: () => 0 });
    expect((await roles()).active).toBe(BACKUP);

    control.item = { key: 'region-roles', ...failedOver({ active: PRIMARY, revision: 4 }) };
    expect((await roles()).active).toBe(BACKUP);
    expect((await roles.fresh()).active).toBe(PRIMARY);
    expect((await roles()).active).toBe(PRIMARY);
    expect(control.gets).toBe(2);

    control.failGets = true;
    await expect(roles.fresh()).rejects.toThrow('unreachable');
  });
});
