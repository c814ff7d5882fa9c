// The scheduled-run core: a lease that keeps one run at a time, checkpoints in the state table, a chain of
// invocations until the run is complete.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUOTA_CATEGORIES } from '@cognito-dr/shared';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';
import { tableMismatches } from '@cognito-dr/shared/src/testing/replication-oracle';
import type { Budget } from './quota';
import { runReconcile } from './reconcile-direction';
import { DEFAULT_SCHEDULED_RUN_SETTINGS, onScheduledRun } from './scheduled-run';
import { stateTableCheckpoints, stateTableLease } from './state-table';
import { poolRecords, poolUsers, putGroupRecords, putRecord, scenario } from './testing/scenario';

const scheduledEvent = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', 'services', 'primary', 'events', 'on-reconcile-schedule.json'),
    'utf8',
  ),
);
const UNLIMITED = Object.fromEntries(QUOTA_CATEGORIES.map((category) => [category, 1e9])) as Budget;

const setUp = (
  settings: Partial<typeof DEFAULT_SCHEDULED_RUN_SETTINGS> = {},
  holder = 'first',
  walk: { budget?: Budget; concurrency?: number } = {},
) => {
  const s = scenario();
  const stateTable = new FakeStateTable();
  const state = { table: stateTable.client, tableName: 'cognito-dr-state-test', clock: s.clock };
  let continuations = 0;
  const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const metrics: { name: string; value: number }[] = [];
  const entry = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, fields });
  // Wired as lambda-chain wires them: the state written only under this holder's lease.
  const handlerFor = (who: string) => {
    const lease = stateTableLease(state, 'reconcile', who, 5 * 60_000);
    return onScheduledRun({
      metricPrefix: 'Reconcile',
      modes: ['reconcile', 'backfill'],
      lease,
      checkpoints: stateTableCheckpoints(state, 'reconcile', lease),
      run: (request, controls) =>
        runReconcile(
          { ...s.deps, checkpoints: controls.checkpoints, beforeWrite: controls.beforeWrite },
          {
            mode: request.mode === 'backfill' ? 'backfill' : 'reconcile',
            dryRun: request.dryRun,
            budget: walk.budget ?? UNLIMITED,
            writesPerSecond: 20,
            partitions: 1,
            ...(walk.concurrency ? { concurrency: walk.concurrency } : {}),
            shouldStop: controls.shouldStop,
            onFailure: controls.onFailure,
          },
        ),
      continueWith: async () => {
        continuations += 1;
      },
      now: () => s.clock.now(),
      log: { info: entry('info'), warn: entry('warn'), error: entry('error') } as never,
      metrics: {
        addMetric: (name: string, _unit: unknown, value: number) => metrics.push({ name, value }),
      } as never,
      settings: { ...DEFAULT_SCHEDULED_RUN_SETTINGS, ...settings },
    });
  };
  /** Another start of the same job, holding its own lease. */
  const rival = (who: string) => stateTableLease(state, 'reconcile', who, 5 * 60_000);
  /** A Lambda context whose time runs out after `budgetMs` of the fake clock. */
  const context = (budgetMs: number) => {
    const deadline = s.clock.now() + budgetMs;
    return { getRemainingTimeInMillis: () => deadline - s.clock.now() };
  };
  const metric = (name: string) =>
    metrics.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0);
  return {
    s,
    stateTable,
    handle: handlerFor(holder),
    handlerFor,
    rival,
    context,
    continuations: () => continuations,
    logs,
    metric,
  };
};

describe('onScheduledRun', () => {
  it('reconciles the whole pool from a scheduled event within one invocation when there is time, and frees the lease', async () => {
    const t = setUp();
    t.s.pool.addUsers(100);

    const summary = await t.handle(scheduledEvent, t.context(900_000));

    expect(summary).toMatchObject({
      mode: 'reconcile',
      complete: true,
      continued: false,
      counts: { created: 100 },
    });
    expect(t.continuations()).toBe(0);
    expect(t.metric('ReconcileCreated')).toBe(100);
    expect(t.metric('ReconcileCallsUserList')).toBeGreaterThan(0);
    expect(t.logs.filter((l) => l.message === 'reconcile finished')).toHaveLength(1);
    expect([...t.stateTable.items.keys()].filter((key) => key.startsWith('lease#'))).toEqual([]);
    expect([...t.stateTable.items.keys()].filter((key) => key.startsWith('checkpoint#'))).toEqual([]);
  });

  it('reports the group pass in its summary, and counts removed groups on their own', async () => {
    const t = setUp();
    t.s.pool.addGroup('readers', { Description: 'May read' });
    t.s.pool.addGroup('gone');
    putGroupRecords(t.s.table, t.s.pool, t.s.clock.now() - 1000);
    t.s.pool.groups.delete('gone');
    t.s.pool.addGroup('new');

    const summary = await t.handle(scheduledEvent, t.context(900_000));

    expect(summary).toMatchObject({
      groups: { checked: 3, created: 1, removed: 1, unchanged: 1, failed: 0 },
    });
    expect(t.metric('ReconcileGroupsChanged')).toBe(2);
    expect(t.metric('ReconcileGroupsRemoved')).toBe(1);
  });

  it('stops at a checkpoint in the state table when time runs short; the chain of invocations ends in sync', async () => {
    const t = setUp({ stopWhenRemainingMs: 60_000 });
    t.s.pool.addUsers(300);
    t.s.pool.addUsers(30, 'gone-');
    for (const record of poolRecords(t.s.pool, t.s.clock.now() - 1000).values()) putRecord(t.s.table, record);
    for (const name of [...t.s.pool.users.keys()]) if (name.startsWith('gone-')) t.s.pool.users.delete(name);
    for (const name of [...t.s.pool.users.keys()].slice(0, 40)) {
      (t.s.pool.users.get(name) as { enabled: boolean }).enabled = false;
    }

    let summary = await t.handle({}, t.context(61_000));
    let invocations = 1;
    while ('continued' in summary && summary.continued && invocations < 50) {
      summary = await t.handle({ continuation: true }, t.context(61_500));
      invocations += 1;
    }

    expect(summary).toMatchObject({ complete: true, counts: { updated: 40, tombstoned: 30, failed: 0 } });
    expect(invocations).toBeGreaterThan(1);
    expect(t.continuations()).toBe(invocations - 1);
    expect(tableMismatches(poolUsers(t.s.pool), t.s.table.items)).toEqual({
      missing: [],
      stale: [],
      extra: [],
    });
    // Every departed user confirmed once: the seen set crossed the invocations through the state table.
    expect(t.s.pool.calls.filter((call) => call === 'AdminGetUser')).toHaveLength(30 + 40);
  });

  it('does nothing, and says so, when another run holds the lease', async () => {
    const t = setUp();
    t.s.pool.addUsers(10);
    const other = stateTableLease(
      { table: t.stateTable.client, tableName: 'cognito-dr-state-test', clock: t.s.clock },
      'reconcile',
      'someone-else',
      5 * 60_000,
    );
    expect(await other.acquire()).toBe(true);

    const summary = await t.handle(scheduledEvent, t.context(900_000));

    expect(summary).toEqual({ skipped: 'lease held by another run' });
    expect(t.s.pool.calls).toEqual([]);
    expect(t.metric('ReconcileLeaseHeld')).toBe(1);
    expect(t.logs.some((l) => l.level === 'info' && /another run holds the lease/.test(l.message))).toBe(
      true,
    );

    // A holder that crashed blocks only until its lease expires.
    t.s.clock.advance(5 * 60_000 + 1);
    expect(await t.handle(scheduledEvent, t.context(900_000))).toMatchObject({ complete: true });
  });

  it('keeps its lease through a group pass longer than the lease: no other start can take it meanwhile', async () => {
    // 40 group records at one write every 10 s: 400 s of group pass, the lease lasts 300 s unless renewed.
    const t = setUp({}, 'first', { budget: { ...UNLIMITED, UserPoolResourceUpdate: 0.1 } });
    for (let n = 0; n < 40; n++) t.s.pool.addGroup(`group-${n}`);
    const other = t.rival('second');
    const takenBy: number[] = [];
    t.s.table.beforePut = async () => {
      if (await other.acquire()) takenBy.push(t.s.clock.now());
    };

    const started = t.s.clock.now();
    const summary = await t.handle(scheduledEvent, t.context(900_000));

    expect(summary).toMatchObject({ complete: true, groups: { created: 40 } });
    expect(t.s.clock.now() - started).toBeGreaterThan(5 * 60_000);
    expect(takenBy).toEqual([]);
  });

  it('stops before its next write once another start took over a lease it let expire, and leaves that run its state', async () => {
    const t = setUp({}, 'first', { concurrency: 1 });
    t.s.pool.addUsers(100);
    const other = t.rival('second');
    let written = 0;
    let writtenAfterTakeover = 0;
    t.s.table.beforePut = async () => {
      written += 1;
      if (written > 10) writtenAfterTakeover += 1;
      if (written !== 10) return;
      // The invocation stalls past its lease's expiry; a new start takes the lease and saves its own checkpoint.
      t.s.clock.advance(5 * 60_000 + 1);
      expect(await other.acquire()).toBe(true);
    };

    const summary = await t.handle(scheduledEvent, t.context(900_000));

    expect(summary).toEqual({ stopped: 'lease taken over by another run' });
    expect(writtenAfterTakeover).toBe(0);
    expect(t.metric('ReconcileLeaseLost')).toBe(1);
    expect(t.metric('ReconcileAborted')).toBe(0);
    // Neither a checkpoint of its own nor the release of a lease no longer its own.
    expect([...t.stateTable.items.keys()].filter((key) => key.startsWith('checkpoint#'))).toEqual([]);
    expect(t.stateTable.items.get(`lease#reconcile\u0000lease`)).toMatchObject({ holder: 'second' });
  });

  it('runs only when the injected predicate says this region should', async () => {
    const t = setUp();
    t.s.pool.addUsers(5);
    const handle = onScheduledRun({
      metricPrefix: 'Reconcile',
      modes: ['reconcile'],
      shouldRun: () => false,
      lease: { acquire: async () => true, renew: async () => {}, release: async () => {} },
      log: { info: () => {}, warn: () => {}, error: () => {} },
    } as unknown as Parameters<typeof onScheduledRun>[0]);

    expect(await handle(scheduledEvent, t.context(900_000))).toEqual({ skipped: 'not this region' });
    expect(t.s.pool.calls).toEqual([]);
  });

  it('gives a run up after too many invocations and starts afresh next time', async () => {
    const t = setUp({ maxInvocations: 2 });
    t.s.pool.addUsers(600);

    const first = await t.handle({}, t.context(60_600));
    const second = await t.handle({}, t.context(60_600));

    expect(first).toMatchObject({ continued: true });
    expect(second).toMatchObject({ complete: false, continued: false, invocations: 2 });
    expect(t.metric('ReconcileAbandoned')).toBe(1);
    expect([...t.stateTable.items.keys()].filter((key) => key.startsWith('checkpoint#'))).toEqual([]);
  });

  it('runs a dry run on demand without metrics of changes that were not made', async () => {
    const t = setUp();
    t.s.pool.addUsers(20);

    const summary = await t.handle({ dryRun: true }, t.context(900_000));

    expect(summary).toMatchObject({ dryRun: true, counts: { created: 20 } });
    expect(t.metric('ReconcileCreated')).toBe(0);
    expect(t.s.table.items.size).toBe(0);
  });

  it('refuses, without throwing, a payload it can never run, and a mode other than the stored run', async () => {
    const t = setUp();
    t.s.pool.addUsers(600);

    expect(await t.handle({ mode: 'wipe' }, t.context(900_000))).toEqual({
      refused: 'mode must be reconcile or backfill',
    });
    await t.handle({ mode: 'backfill' }, t.context(60_600));
    const refused = await t.handle({ mode: 'reconcile' }, t.context(900_000));
    expect(refused).toMatchObject({ refused: expect.stringMatching(/backfill run is under way/) });
    expect(t.metric('ReconcileRefused')).toBe(2);
    // A plain start continues the stored run.
    expect(await t.handle(scheduledEvent, t.context(900_000))).toMatchObject({
      mode: 'backfill',
      complete: true,
    });
  });
});
