// The stack a benchmark drives: the one named by COGNITO_DR_STACK_FILE; else the running `npm start` stack that
// .local/stack.json describes, if all its endpoints answer; else a fresh one started on free ports for this run
// and stopped afterwards.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StackInfo } from '@cognito-dr/shared';
import { httpAnswers } from '../local/lib/wait-for';
import { startStack } from '../local/stack/start-stack';

const root = resolve(__dirname, '..');

/** The stack .local/stack.json describes, when every endpoint the bench uses answers. */
const runningStack = async (): Promise<StackInfo | undefined> => {
  const file = join(root, '.local', 'stack.json');
  if (!existsSync(file)) return undefined;
  const stack = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  const endpoints = [
    stack.primary.cognitoEndpoint,
    stack.backup.cognitoEndpoint,
    stack.primary.dynamodbEndpoint,
    stack.faultInjection.cloudTrail,
  ];
  const answers = await Promise.all(endpoints.map((url) => httpAnswers(url).catch(() => undefined)));
  return answers.every(Boolean) ? stack : undefined;
};

export const withStack = async <T>(run: (stack: StackInfo) => Promise<T>): Promise<T> => {
  const file = process.env.COGNITO_DR_STACK_FILE;
  if (file) return run(JSON.parse(readFileSync(file, 'utf8')) as StackInfo);
  const running = await runningStack();
  if (running) {
    process.stderr.write('  driving the running local stack (.local/stack.json)\n');
    return run(running);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cognito-dr-bench-'));
  const stack = await startStack({
    root,
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
