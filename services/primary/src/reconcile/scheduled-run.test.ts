// The reconcile Lambda core: chains of invocations handing over checkpoints until the run is complete.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableDrift } from './drift';
import { DEFAULT_SCHEDULED_RUN_SETTINGS, onReconcileSchedule, type ReconcileRequest } from './scheduled-run';
import { poolRecords, putRecord, scenario, tableRecords } from './testing/scenario';

const scheduledEvent = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'events', 'on-reconcile-schedule.json'), 'utf8'),
);

const setUp = (settings: Partial<typeof DEFAULT_SCHEDULED_RUN_SETTINGS> = {}) => {
  const s = scenario();
  const { checkpoints: _, ...engine } = s.deps;
  const continuations: ReconcileRequest[] = [];
  const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const metrics: { name: string; value: number }[] = [];
  const entry = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, fields });
  const handle = onReconcileSchedule({
    engine,
    continueWith: async (request) => {
      continuations.push(JSON.parse(JSON.stringify(request)));
    },
    log: { info: entry('info'), warn: entry('warn'), error: entry('error') } as never,
    metrics: {
      addMetric: (name: string, _unit: unknown, value: number) => metrics.push({ name, value }),
    } as never,
    settings: { ...DEFAULT_SCHEDULED_RUN_SETTINGS, concurrency: 4, ...settings },
  });
  /** A Lambda context whose time runs out after `budgetMs` of the fake clock. */
  const context = (budgetMs: number) => {
    const deadline = s.clock.now() + budgetMs;
    return { getRemainingTimeInMillis: () => deadline - s.clock.now() };
  };
  const metric = (name: string) =>
    metrics.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0);
  return { s, handle, context, continuations, logs, metric };
};

describe('onReconcileSchedule', () => {
  it('reconciles the whole pool from a scheduled event within one invocation when there is time', async () => {
    const t = setUp();
    t.s.pool.addUsers(100);

    const summary = await t.handle(scheduledEvent, t.context(900_000));

    expect(summary).toMatchObject({
      mode: 'reconcile',
      complete: true,
      continued: false,
      counts: { created: 100 },
    });
    expect(t.continuations).toEqual([]);
    expect(t.metric('ReconcileCreated')).toBe(100);
    expect(t.logs.filter((l) => l.message === 'reconcile finished')).toHaveLength(1);
  });

  it('hands its checkpoint to the next invocation when time runs short, and the chain ends in sync', async () => {
    const t = setUp({ stopWhenRemainingMs: 60_000 });
    t.s.pool.addUsers(300);
    for (const record of poolRecords(t.s.pool, t.s.clock.now() - 1000).values()) {
      if (record.username.endsWith('7')) putRecord(t.s.table, record);
    }
    t.s.pool.users.delete('user-0017');

    // 61 s of budget: one second of work (about 120 users at UserRead's 120 rps) per invocation.
    let request: unknown = scheduledEvent;
    let invocations = 0;
    for (;;) {
      invocations += 1;
      const summary = await t.handle(request, t.context(61_000));
      if (!('continued' in summary) || !summary.continued) break;
      request = t.continuations[t.continuations.length - 1];
    }

    expect(invocations).toBeGreaterThan(2);
    expect(t.continuations.map((c) => c.continuation)).toEqual(
      Array.from({ length: invocations - 1 }, (_, i) => i + 1),
    );
    const drift = tableDrift(poolRecords(t.s.pool, t.s.clock.now()), tableRecords(t.s.table));
    expect([drift.missing, drift.stale, drift.extra]).toEqual([[], [], []]);
    expect(t.metric('ReconcileChecked')).toBe(300);
    expect(t.metric('ReconcileCreated')).toBe(270);
    expect(t.metric('ReconcileTombstoned')).toBe(1);
  });

  it('drops the seen set rather than exceed the asynchronous payload limit', async () => {
    const t = setUp({ maxPayloadBytes: 1_000 });
    t.s.pool.addUsers(200);

    await t.handle({ mode: 'reconcile' }, t.context(61_500));

    expect(t.continuations).toHaveLength(1);
    expect(t.continuations[0]?.checkpoint?.seen).toBeUndefined();
    expect(JSON.stringify(t.continuations[0]).length).toBeLessThan(1_000);
    expect(t.logs.some((l) => l.level === 'warn' && l.message.includes('seen set'))).toBe(true);
  });

  it('stops the chain after too many continuations', async () => {
    const t = setUp({ maxContinuations: 3 });
    t.s.pool.addUsers(10);

    const summary = await t.handle({ mode: 'reconcile', continuation: 3 }, t.context(30_000));

    expect(summary).toMatchObject({ complete: false, continued: false });
    expect(t.continuations).toEqual([]);
    expect(t.metric('ReconcileAbandoned')).toBe(1);
  });

  it('runs a dry run on demand without metrics of changes that were not made', async () => {
    const t = setUp();
    t.s.pool.addUsers(5);

    const summary = await t.handle({ mode: 'backfill', dryRun: true }, t.context(900_000));

    expect(summary).toMatchObject({ mode: 'backfill', dryRun: true, counts: { created: 5 } });
    expect(t.s.table.items.size).toBe(0);
    expect(t.metric('ReconcileCreated')).toBe(0);
  });

  it('refuses, without throwing, a payload whose checkpoint is not one', async () => {
    const t = setUp();

    const summary = await t.handle({ checkpoint: { kind: 'something else' } }, t.context(900_000));

    expect(summary).toEqual({ refused: expect.stringContaining('checkpoint') });
    expect(t.metric('ReconcileRefused')).toBe(1);
  });
});
