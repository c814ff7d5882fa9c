// The whole disaster, measured: the drill (cli/drill.ts) runs on a local stack of its own — it takes the primary
// region down, which no other test may see — and must meet its targets: nobody lost either way, sign-in back within
// a minute of the outage, no drift afterwards.
import { readFileSync } from 'node:fs';
import { ServerTime, systemClock } from '@cognito-dr/shared';
import { parseCliArgs } from '../../cli/args';
import { DRILL_TARGETS, type DrillReport, drill } from '../../cli/drill';
import { type OwnStack, startOwnStack } from '../support/own-stack';

let stack: OwnStack;
let report: DrillReport;
const said: string[] = [];

beforeAll(async () => {
  stack = await startOwnStack('drill', { warm: 'single' });
  const options = parseCliArgs(['drill', '--stack', stack.stackFile]);
  if (options.help) throw new Error('unexpected help');
  report = await drill(
    {
      options,
      clock: systemClock,
      serverTime: new ServerTime(systemClock),
      out: (line) => said.push(line),
      err: (line) => said.push(line),
      interrupted: () => false,
    },
    stack.stackFile,
  );
}, 300_000);

afterAll(() => stack?.stop(), 60_000);

describe('a primary region outage, failover, traffic on the backup, recovery and failback', () => {
  it('loses nobody at the failover and nothing at the failback', () => {
    expect(report.lostAtFailover).toBe(DRILL_TARGETS.maxLost);
    expect(report.lostAtFailback).toBe(DRILL_TARGETS.maxLost);
    expect(report.changesCarriedBack).toBe(4);
  });

  it('lets users sign up and sign in on the backup within a minute of the outage', () => {
    expect(report.rtoSeconds.signUp).toBeLessThan(DRILL_TARGETS.maxRtoSeconds);
    expect(report.rtoSeconds.signIn).toBeLessThan(DRILL_TARGETS.maxRtoSeconds);
  });

  it('ends with both pools in line with the table, and every user-facing check passed', () => {
    // A failed check is explained by what the drill said and what the stack logged, both free of user data.
    if (!report.passed) {
      process.stderr.write(
        `drill output:\n${said.join('\n')}\nstack troubles:\n${stack.troubles().join('\n')}\n`,
      );
    }
    expect(report.drift).toEqual({ primary: 0, backup: 0 });
    expect(report.checks.filter((check) => !check.passed)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('counts the password reset made during the failover; nobody resets again', () => {
    expect(report.passwordResets).toBe(1);
    expect(report.mustResetAgain).toBe(0);
  });

  it('publishes the primary as the active region again', () => {
    const { active, primary } = JSON.parse(readFileSync(stack.stackFile, 'utf8'));
    expect(active).toMatchObject({ region: primary.region, userPoolId: primary.userPoolId, epoch: 2 });
  });

  it('names no user, address or attribute value in what it prints', () => {
    expect(said.join('\n')).not.toMatch(/@example\.com|drill-[0-9a-f]{6}-/);
  });
});
