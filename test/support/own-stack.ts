// A local stack of a suite's own, for what no other suite may see (a region taken down, a failover, a pool without
// triggers): fresh data in a temp directory, free ports on 127.0.0.1, stopped and removed by `stop`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningStack, type StackOptions, startStack } from '../../local/stack/start-stack';

export interface OwnStack extends RunningStack {
  /** Stops every process of the stack and removes its data. */
  stop: () => Promise<void>;
  /** The stack's log lines that report an error, a failure or a retry (the last `max`), to explain a failed test. */
  troubles: (max?: number) => string[];
}

const TROUBLE = /error|fail|retry|timed out|timeout/i;

/** Starts a stack for one suite; `name` prefixes its temp directory. */
export async function startOwnStack(
  name: string,
  options: Partial<Omit<StackOptions, 'root' | 'dataDir'>> = {},
): Promise<OwnStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `cognito-dr-${name}-`));
  try {
    const running = await startStack({
      root: resolve(__dirname, '..', '..'),
      dataDir,
      fresh: true,
      replicationDelayMs: 0,
      ports: 'free',
      progress: () => {},
      ...options,
    });
    return {
      ...running,
      troubles: (max = 60) =>
        readdirSync(running.info.logs)
          .flatMap((file) =>
            readFileSync(join(running.info.logs, file), 'utf8')
              .split('\n')
              .filter((line) => TROUBLE.test(line))
              .map((line) => `${file}: ${line.slice(0, 400)}`),
          )
          .slice(-max),
      stop: async () => {
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
