// What an operator reads after a switch, and its exit code: 3 while a step is left, 0 once every step is done.
import type { FailbackReport } from '@cognito-dr/failover';
import { initialRoles } from '@cognito-dr/shared';
import { EXIT } from './commands';
import { reportSwitch } from './switch-commands';

const roles = { ...initialRoles('us-east-1', 'ap-northeast-1'), epoch: 2 };
const failedBack = (stepsLeft: string[]): FailbackReport => ({
  alreadyActive: false,
  carriedBack: 3,
  awaitingMigration: 1,
  passwordResets: 0,
  backupCaughtUp: 0,
  endpoint: { region: 'us-east-1', userPoolId: 'us-east-1_P', clientId: 'c', issuer: 'i', epoch: 2 },
  publishedTo: ['stack.json'],
  roles,
  steps: [{ step: 'ap-northeast-1 pool on standby', outcome: stepsLeft.length ? 'left' : 'done' }],
  stepsLeft,
});

const terminal = (json = false) => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    ctx: {
      options: { json } as never,
      out: (line: string) => out.push(line),
      err: (line: string) => err.push(line),
    },
    out,
    err,
  };
};

it('exits 3 naming each step left and the command that finishes them', () => {
  const c = terminal();
  const code = reportSwitch(
    c.ctx,
    'failback',
    'local',
    failedBack(['ap-northeast-1 pool on standby (InternalErrorException)']),
  );
  expect(code).toBe(EXIT.incomplete);
  expect(c.err.join('\n')).toMatch(
    /failback not finished: ap-northeast-1 pool on standby \(InternalErrorException\); run `cognito-dr failback` again/,
  );
  expect(c.out[0]).toBe('failed back to us-east-1');
});

it('exits 0 once no step is left, and says which steps it ran in --json', () => {
  const c = terminal(true);
  expect(reportSwitch(c.ctx, 'failback', 'local', failedBack([]))).toBe(EXIT.ok);
  expect(c.err).toEqual([]);
  expect(JSON.parse(c.out[0] as string)).toMatchObject({
    command: 'failback',
    stepsLeft: [],
    steps: [{ step: 'ap-northeast-1 pool on standby', outcome: 'done' }],
  });
});
