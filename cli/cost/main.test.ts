import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioFromArgs } from './main';
import { estimate } from './model';
import { DOC_BEGIN, DOC_END, renderDocs, renderReport, withGeneratedCost } from './render';

describe('npm run cost', () => {
  it('takes a size and fills in the rest of the workload', () => {
    const { scenario } = scenarioFromArgs(['--users', '1000000', '--changes-per-month', '2000000']);
    expect(scenario).toMatchObject({
      users: 1_000_000,
      changesPerMonth: 2_000_000,
      signUpsPerMonth: 200_000,
      changedUsersPerMonth: 1_000_000,
      primaryTier: 'LITE',
      backfill: false,
    });
  });

  it('lets any assumption be set', () => {
    const { scenario } = scenarioFromArgs([
      '--users=5000',
      '--changed-users=100',
      '--tier=PLUS',
      '--backup-region=us-east-1',
      '--backfill',
    ]);
    expect(scenario).toMatchObject({
      changedUsersPerMonth: 100,
      primaryTier: 'PLUS',
      backupRegion: 'us-east-1',
      backfill: true,
    });
  });

  it.each([
    [[], '--users is required'],
    [['--users=-5'], '--users: expected a number of 0 or more, got "-5"'],
    [['--users', 'many'], '--users: expected a number of 0 or more'],
    [['--users', '10', '--tier', 'GOLD'], '--tier: expected one of LITE, ESSENTIALS, PLUS, got "GOLD"'],
    [['--users', '10', '--changed-users', '11'], '--changed-users: cannot exceed the users'],
    [['--users', '10', '--changes-per-month', '5', '--sign-ups-per-month', '6'], 'cannot exceed the changes'],
    [['--users', '10', '--record-kb', '0'], '--record-kb: expected more than 0'],
  ])('refuses %j, saying why', (args, message) => {
    expect(() => scenarioFromArgs(args)).toThrow(message);
  });

  it('prints every priced line and the total', () => {
    const { scenario } = scenarioFromArgs(['--users', '100000']);
    const result = estimate(scenario as NonNullable<typeof scenario>);
    const report = renderReport(result);
    for (const line of result.lines) expect(report).toContain(line.item);
    expect(report).toMatch(/infrastructure\s+\$\d/);
  });
});

describe("docs/deploy.md's cost tables", () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');

  it('are what the model says today (regenerate with npm run cost -- --docs)', () => {
    const begin = doc.indexOf(DOC_BEGIN);
    const end = doc.indexOf(DOC_END);
    expect(begin).toBeGreaterThan(0);
    expect(doc.slice(begin, end + DOC_END.length)).toBe(renderDocs());
  });

  it('are replaced between their markers and nowhere else', () => {
    const sample = `before\n${DOC_BEGIN}\nold\n${DOC_END}\nafter\n`;
    expect(withGeneratedCost(sample, `${DOC_BEGIN}\nnew\n${DOC_END}`)).toBe(
      `before\n${DOC_BEGIN}\nnew\n${DOC_END}\nafter\n`,
    );
    expect(() => withGeneratedCost('no markers', 'x')).toThrow('no cost-model markers');
  });
});
