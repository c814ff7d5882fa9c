// The operator's cognito-dr command line, run in-process against the local stack through its stack.json.
import { main } from '../../cli/cognito-dr';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, for commands run with --json. */
  json: Record<string, unknown>;
}

const stackFile = process.env.COGNITO_DR_STACK_FILE as string;

export const operator = {
  /** `cognito-dr <command> --stack <the stack> --json ...extra`. */
  runs: async (command: string, ...extra: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const code = await main([command, '--stack', stackFile, '--json', ...extra], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(stdout);
    } catch {
      // left empty: the assertion on `code` or `stderr` tells what went wrong
    }
    return { code, stdout, stderr, json };
  },
};
