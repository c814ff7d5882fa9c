import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QUOTA_CATEGORIES } from '@cognito-dr/shared';
import { DEPLOYED } from './deployment';
import { estimate, METRICS, mauPrice, scenarioFor, usageOf } from './model';

const ROOT = join(__dirname, '..', '..');

describe('mauPrice', () => {
  it('prices LITE band by band, the first 10,000 free where the account free tier applies', () => {
    expect(mauPrice('LITE', 100_000, true)).toBeCloseTo(90_000 * 0.0055);
    expect(mauPrice('LITE', 1_000_000, true)).toBeCloseTo(90_000 * 0.0055 + 900_000 * 0.0046);
    expect(mauPrice('LITE', 2_000_000, true)).toBeCloseTo(
      90_000 * 0.0055 + 900_000 * 0.0046 + 1_000_000 * 0.00325,
    );
  });

  it('prices a pool without the free tier from its first user', () => {
    expect(mauPrice('LITE', 100_000, false)).toBeCloseTo(100_000 * 0.0055);
    expect(mauPrice('ESSENTIALS', 1_000_000, false)).toBeCloseTo(1_000_000 * 0.015);
    expect(mauPrice('PLUS', 1_000_000, true)).toBeCloseTo(1_000_000 * 0.02);
    expect(mauPrice('ESSENTIALS', 5_000, true)).toBe(0);
  });
});

describe('estimate', () => {
  const million = estimate(scenarioFor({ users: 1_000_000, changesPerMonth: 2_000_000 }));

  it('adds up its lines, each priced from a quantity, none negative', () => {
    const sum = million.lines.reduce((total, line) => total + line.usd, 0);
    expect(million.infrastructureUsd).toBeCloseTo(sum, 1);
    for (const line of million.lines) {
      expect(line.usd).toBeGreaterThanOrEqual(0);
      expect(line.quantity).not.toBe('');
    }
    expect(Object.values(million.byService).reduce((a, b) => a + b, 0)).toBeCloseTo(sum, 1);
  });

  it('counts every user active in the primary and the changed users in the backup pool', () => {
    const [primary, backup] = million.cognito;
    expect(primary).toMatchObject({ pool: 'primary', mau: 1_000_000, chosen: 'LITE' });
    expect(primary?.byTier.LITE).toBeCloseTo(4_635);
    expect(backup).toMatchObject({ pool: 'backup', mau: 1_000_000 });
    const quiet = estimate(scenarioFor({ users: 1_000_000, changesPerMonth: 200_000 }));
    expect(quiet.cognito[1]?.mau).toBe(100_000);
  });

  it('makes every user a backup MAU, and every user a created backup user, in the backfill month', () => {
    const quiet = scenarioFor({ users: 1_000_000, changesPerMonth: 200_000 });
    const backfill = estimate({ ...quiet, backfill: true });
    expect(backfill.cognito[1]?.mau).toBe(1_000_000);
    expect(backfill.infrastructureUsd).toBeGreaterThan(estimate(quiet).infrastructureUsd);
  });

  it('reads every record only on full reconcile passes', () => {
    const line = (fullPerDay: number) =>
      estimate(scenarioFor({ users: 1_000_000, fullReconcilesPerDay: fullPerDay })).lines.find((l) =>
        l.item.startsWith('reconcile:'),
      )?.usd ?? 0;
    expect(line(24)).toBeGreaterThan(10 * line(1));
  });

  it('grows its per-change costs with the changes, not its fixed ones', () => {
    const at = (changes: number) => estimate(scenarioFor({ users: 100_000, changesPerMonth: changes }));
    const lambda = (e: ReturnType<typeof at>) => e.byService.Lambda;
    expect(lambda(at(4_000_000))).toBeGreaterThan(lambda(at(400_000)));
    const alarms = (e: ReturnType<typeof at>) =>
      e.lines.filter((l) => l.item === 'alarms and dashboards').reduce((sum, l) => sum + l.usd, 0);
    expect(alarms(at(4_000_000))).toBe(alarms(at(400_000)));
  });

  it('prices provisioned concurrency of the backup triggers only when asked', () => {
    const base = scenarioFor({ users: 100_000 });
    const line = (instances: number) =>
      estimate({ ...base, provisionedTriggerInstances: instances }).lines.find((l) =>
        l.item.startsWith('provisioned concurrency'),
      );
    expect(line(0)).toBeUndefined();
    expect(line(10)?.usd).toBeGreaterThan(0);
  });
});

describe('the model covers what is deployed', () => {
  it('has a usage for every function of both stacks, and for no other', () => {
    const usage = usageOf(scenarioFor({ users: 1000 }));
    for (const service of ['primary', 'replica'] as const) {
      expect(Object.keys(usage[service]).sort()).toEqual(
        DEPLOYED[service].functions.map((fn) => fn.key).sort(),
      );
    }
  });

  /** Every .ts file under `dir` but tests. */
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (name === 'node_modules' || name.startsWith('.')) return [];
      if (statSync(path).isDirectory()) return sources(path);
      return name.endsWith('.ts') && !name.endsWith('.test.ts') && !path.includes('/testing/') ? [path] : [];
    });

  it('knows every metric the functions publish, and no metric they do not', () => {
    const published = new Set<string>();
    for (const file of ['shared', 'capture', 'apply', 'failover', 'reconcile', 'services'].flatMap((dir) =>
      sources(join(ROOT, dir)),
    )) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/addMetric\(\s*'([A-Za-z]+)'/g)) published.add(match[1] as string);
      if (text.includes('coldStartMetric: true')) published.add('ColdStart');
      // The scheduled runs name their metrics after the job: Reconcile… and Repair….
      if (file.endsWith(join('reconcile', 'src', 'scheduled-run.ts'))) {
        const names = [
          ...[...text.matchAll(/metric\('([A-Za-z]+)'/g)].map((match) => match[1] as string),
          ...[...text.matchAll(/^\s+[a-z]+: '([A-Z][A-Za-z]+)',$/gm)].map((match) => match[1] as string),
          ...QUOTA_CATEGORIES.map((category) => `Calls${category}`),
        ];
        for (const name of names)
          for (const prefix of ['Reconcile', 'Repair']) published.add(`${prefix}${name}`);
      }
    }
    expect(published.size).toBeGreaterThan(40);
    expect([...new Set(METRICS.map((metric) => metric.name))].sort()).toEqual([...published].sort());
  });
});
