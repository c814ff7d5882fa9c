// The operator's cognito-dr command line, run in-process against the local stack through its stack.json.
import type { Clock } from '@cognito-dr/shared';
import { main } from '../../cli/cognito-dr';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, for commands run with --json. */
  json: Record<string, unknown>;
}

const stackFile = process.env.COGNITO_DR_STACK_FILE as string;

/** Where the command runs from: another stack description (other pools), or a machine with its own clock. */
export interface Machine {
  stackFile?: string;
  clock?: Clock;
}

const run = async (machine: Machine, command: string, extra: string[]): Promise<CliRun> => {
  let stdout = '';
  let stderr = '';
  const code = await main([command, '--stack', machine.stackFile ?? stackFile, '--json', ...extra], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    clock: machine.clock,
  });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(stdout);
  } catch {
    // left empty: the assertion on `code` or `stderr` tells what went wrong
  }
  return { code, stdout, stderr, json };
};

export const operator = {
  /** `cognito-dr <command> --stack <the stack> --json ...extra`. */
  runs: (command: string, ...extra: string[]): Promise<CliRun> => run({}, command, extra),
  /** The same, from another machine: a laptop with its own stack description or clock. */
  runsFrom: (machine: Machine, command: string, ...extra: string[]): Promise<CliRun> =>
    run(machine, command, extra),
};
