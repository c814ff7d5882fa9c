// The stack a benchmark drives: the one named by COGNITO_DR_STACK_FILE (e.g. a running `npm start`), or a fresh
// one started on free ports for this run and stopped afterwards.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StackInfo } from '../local/stack/stack-info';
import { startStack } from '../local/stack/start-stack';

export const withStack = async <T>(run: (stack: StackInfo) => Promise<T>): Promise<T> => {
  const file = process.env.COGNITO_DR_STACK_FILE;
  if (file) return run(JSON.parse(readFileSync(file, 'utf8')) as StackInfo);
  const dataDir = mkdtempSync(join(tmpdir(), 'cognito-dr-bench-'));
  const stack = await startStack({
    root: resolve(__dirname, '..'),
    dataDir,
    fresh: true,
    replicationDelayMs: 0,
    ports: 'free',
    progress: (line) => process.stderr.write(`  ${line}\n`),
  });
  const cleanUp = async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const interrupted = async () => {
    await cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await Promise.race([run(stack.info), stack.died]);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
};
