// The deletion breaker: how many deletions a window lets through, what it holds, and that a held user is answered
// from its hold instead of being counted again.
import { ConfigError, envReader } from '@cognito-dr/shared';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import {
  breakerSettingsFromEnv,
  DEFAULT_BREAKER_SETTINGS,
  DeletionHeldError,
  deletionBreaker,
  type HeldDeletion,
} from './deletion-breaker';
import { listHolds, writeHold } from './held-deletions';
import { executeOperation } from './target-pool';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

function setup(options: { poolUsers?: number; minimum?: number; percent?: number } = {}) {
  const pool = new FakeUserPool();
  for (let i = 0; i < (options.poolUsers ?? 0); i++) {
    pool.addUser({ username: `pool-${i}`, enabled: true, status: 'CONFIRMED' });
  }
  const table = new FakeStateTable();
  const state = { table: table.client, tableName: 'state' };
  let now = T0;
  const held: HeldDeletion[] = [];
  const breaker = deletionBreaker({
    state,
    pool: { cognito: pool.client, userPoolId: 'pool' },
    settings: {
      ...DEFAULT_BREAKER_SETTINGS,
      minimum: options.minimum ?? DEFAULT_BREAKER_SETTINGS.minimum,
      percent: options.percent ?? DEFAULT_BREAKER_SETTINGS.percent,
    },
    now: () => now,
    onHeld: (event) => held.push(event),
  });
  /** Asks about `count` deletions at once; resolves to how many were admitted. */
  const burst = async (count: number, prefix = 'user', version: number | undefined = 2) => {
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) => breaker.admit(`${prefix}-${i}`, version)),
    );
    return answers.filter(Boolean).length;
  };
  return {
    pool,
    table,
    state,
    breaker,
    held,
    burst,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('deletionBreaker', () => {
  it('lets through at most max(10, 1 %) of a burst, however it interleaves, and holds the rest', async () => {
    const t = setup();

    expect(await t.burst(50)).toBe(10);

    const holds = await listHolds(t.state);
    expect(holds).toHaveLength(40);
    expect(holds[0]).toEqual({ username: expect.any(String), state: 'held', version: 2, heldAt: T0 });
    expect(t.held).toHaveLength(40);
    expect(t.held.map((event) => event.threshold)).toEqual(Array(40).fill(10));
    expect(new Set(t.held.map((event) => event.count))).toEqual(
      new Set(Array.from({ length: 40 }, (_, i) => 11 + i)),
    );
  });

  it('allows 1 % of a large pool, reading its size once', async () => {
    const t = setup({ poolUsers: 2_500 });

    expect(await t.burst(40)).toBe(25);
    expect(t.pool.calls.filter((call) => call === 'DescribeUserPool')).toHaveLength(1);
  });

  it('never asks the pool its size while the minimum is not reached', async () => {
    const t = setup({ poolUsers: 2_500 });

    expect(await t.burst(10)).toBe(10);
    expect(t.pool.calls).not.toContain('DescribeUserPool');
  });

  it('holds to the minimum when the pool will not say its size', async () => {
    const t = setup({ poolUsers: 2_500 });
    t.pool.failNext(
      'DescribeUserPool',
      Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
    );

    expect(await t.burst(30)).toBe(10);
  });

  it('counts deletions over the whole window, so a slow trickle of a mass deletion is held too', async () => {
    const t = setup();
    for (let minute = 0; minute < 4; minute++) {
      expect(await t.burst(3, `minute-${minute}`)).toBe(minute < 3 ? 3 : 1);
      t.advance(MINUTE);
    }
  });

  it('judges afresh once the window has passed', async () => {
    const t = setup();
    expect(await t.burst(12, 'first')).toBe(10);

    t.advance(6 * MINUTE + 1);

    expect(await t.burst(12, 'later')).toBe(10);
  });

  it('answers a held user from its hold: asked again (a repair, a retried record), it is neither counted nor deleted', async () => {
    const t = setup();
    await t.burst(12);
    const before = t.table.items.size;
    t.advance(6 * MINUTE + 1);

    expect(await t.breaker.admit('user-11', 2)).toBe(false);
    expect(await t.breaker.admit('user-11', undefined)).toBe(false);
    expect(t.held).toHaveLength(2);
    // No window bucket was written for the repeated questions.
    expect(t.table.items.size).toBe(before);
  });

  it('costs 3 state-table requests a deletion, one more to hold it, and 1 to answer a held user again', async () => {
    const t = setup({ minimum: 1 });
    const requests = async (ask: () => Promise<unknown>) => {
      const before = t.table.calls.length;
      await ask();
      return t.table.calls.slice(before);
    };

    expect(await requests(() => t.breaker.admit('first', 2))).toEqual([
      'GetCommand',
      'UpdateCommand',
      'QueryCommand',
    ]);
    expect(await requests(() => t.breaker.admit('second', 2))).toEqual([
      'GetCommand',
      'UpdateCommand',
      'QueryCommand',
      'PutCommand',
    ]);
    expect(await requests(() => t.breaker.admit('second', 2))).toEqual(['GetCommand']);
  });

  it('counts a newer tombstone of a held user as a deletion of its own (restored, then deleted again)', async () => {
    const t = setup();
    await t.burst(12);
    t.advance(6 * MINUTE + 1);

    expect(await t.breaker.admit('user-11', 5)).toBe(true);
    expect((await listHolds(t.state)).map((hold) => hold.username)).toEqual(['user-10']);
  });

  it('keeps a discarded user while the record is that tombstone, and not once it is gone or replaced', async () => {
    const t = setup();
    await writeHold(t.state, {
      username: 'kept',
      state: 'discarded',
      version: 4,
      heldAt: T0,
      discardedAt: T0,
    });

    expect(await t.breaker.admit('kept', 4)).toBe(false);
    expect(t.held).toHaveLength(0);
    expect(await t.breaker.admit('kept', undefined)).toBe(true);
    expect(await listHolds(t.state)).toEqual([]);
  });
});

describe('executeOperation and the breaker', () => {
  const setupPool = () => {
    const t = setup({ minimum: 1 });
    for (const username of ['a', 'b']) t.pool.addUser({ username, enabled: true, status: 'CONFIRMED' });
    const guarded = { cognito: t.pool.client, userPoolId: 'pool', breaker: t.breaker };
    return { ...t, guarded };
  };

  it('deletes while the breaker admits, and throws DeletionHeldError without deleting once it holds', async () => {
    const t = setupPool();
    await executeOperation(t.guarded, 'a', { type: 'deleteUser', version: 3 }, () => 'x');
    await expect(
      executeOperation(t.guarded, 'b', { type: 'deleteUser', version: 3 }, () => 'x'),
    ).rejects.toThrow(DeletionHeldError);
    expect([...t.pool.users.keys()]).toEqual(['b']);
    expect(t.pool.calls.filter((call) => call === 'AdminDeleteUser')).toHaveLength(1);
  });

  it('never asks the breaker about the first half of a replacement', async () => {
    const t = setupPool();
    await t.burst(5, 'others');
    const asked = t.table.calls.length;

    await executeOperation(t.guarded, 'a', { type: 'deleteUser', replacing: true }, () => 'x');

    expect(t.table.calls.length).toBe(asked);
    expect(t.pool.calls).toContain('AdminDeleteUser');
  });
});

describe('breakerSettingsFromEnv', () => {
  it('defaults to more than max(10, 1 %) within 5 minutes, and reads each setting', () => {
    expect(breakerSettingsFromEnv(envReader({}))).toEqual({ minimum: 10, percent: 1, windowMinutes: 5 });
    expect(
      breakerSettingsFromEnv(
        envReader({
          DELETE_BREAKER_MINIMUM: '25',
          DELETE_BREAKER_PERCENT: '0.5',
          DELETE_BREAKER_WINDOW_MINUTES: '15',
        }),
      ),
    ).toEqual({ minimum: 25, percent: 0.5, windowMinutes: 15 });
  });

  it.each([
    [{ DELETE_BREAKER_MINIMUM: '2.5' }, /DELETE_BREAKER_MINIMUM must be a whole number/],
    [{ DELETE_BREAKER_MINIMUM: '0' }, /DELETE_BREAKER_MINIMUM must be a positive number/],
    [{ DELETE_BREAKER_PERCENT: '150' }, /DELETE_BREAKER_PERCENT must be at most 100/],
    [{ DELETE_BREAKER_WINDOW_MINUTES: 'soon' }, /DELETE_BREAKER_WINDOW_MINUTES must be a positive number/],
  ])('refuses %j, naming the variable and the rule', (env, message) => {
    expect(() => breakerSettingsFromEnv(envReader(env))).toThrow(ConfigError);
    expect(() => breakerSettingsFromEnv(envReader(env))).toThrow(message);
  });
});
