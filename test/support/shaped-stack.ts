// A local stack of another shape (local/stack/shapes.ts: `email`, `phone`) for e2e files that need one, started
// once per test run and shared by every file that asks for it: the first worker to ask starts `npm start`'s entry
// point on free ports in the run's directory (global setup made it), the others wait for its stack.json, and
// global teardown stops it. Set COGNITO_DR_STACK_FILE_EMAIL (or _PHONE) to use a stack already running instead.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StackInfo } from '@cognito-dr/shared';
import { waitFor } from '../../local/lib/wait-for';
import type { StackShape } from '../../local/stack/shapes';
import { alive, shapedStackFiles } from './shaped-stack-processes';
import { stack } from './stack';

const READY_LINE = 'cognito-dr local stack ready';
/** Starting a stack takes 20-40 s on a quiet machine; minutes when every core is busy with other tests. */
const START_TIMEOUT_MS = 300_000;
/** For the beforeAll hook that asks for a shaped stack: its start, and a minute for the rest of the hook. */
export const SHAPED_STACK_START_TIMEOUT_MS = START_TIMEOUT_MS + 60_000;

const lastLines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
};

const start = (shape: StackShape, files: ReturnType<typeof shapedStackFiles>) => {
  const log = openSync(files.log, 'a');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(__dirname, '..', '..', 'local', 'stack', 'main.ts'),
      '--free-ports',
      '--fresh',
      '--shape',
      shape,
      '--data-dir',
      files.dataDir,
      // The suites call the sign-up path one at a time: one warm instance of each function is enough.
      '--warm',
      'single',
    ],
    { detached: true, stdio: ['ignore', log, log], env: process.env },
  );
  closeSync(log);
  writeFileSync(files.pid, String(child.pid));
  // It outlives the tests of the worker that started it; global teardown stops it.
  child.unref();
};

/** The stack.json of the running stack of `shape` (stackOfShape has started it), for the operator's commands. */
export function stackFileOfShape(shape: Exclude<StackShape, 'username'>): string {
  const preset = process.env[`COGNITO_DR_STACK_FILE_${shape.toUpperCase()}`];
  if (preset) return preset;
  const dir = process.env.COGNITO_DR_E2E_DIR;
  if (!dir) throw new Error('COGNITO_DR_E2E_DIR is not set: run the e2e project through jest (global setup)');
  return shapedStackFiles(dir, shape).stackFile;
}

/** The running stack of `shape`, started by whichever caller asks first. */
export async function stackOfShape(shape: StackShape): Promise<StackInfo> {
  if (shape === (stack.shape ?? 'username')) return stack;
  const preset = process.env[`COGNITO_DR_STACK_FILE_${shape.toUpperCase()}`];
  if (preset) return JSON.parse(readFileSync(preset, 'utf8')) as StackInfo;
  const dir = process.env.COGNITO_DR_E2E_DIR;
  if (!dir) throw new Error('COGNITO_DR_E2E_DIR is not set: run the e2e project through jest (global setup)');
  const files = shapedStackFiles(dir, shape);
  let lock: number | undefined;
  try {
    lock = openSync(files.lock, 'wx');
  } catch {
    // Another worker is starting it.
  }
  if (lock !== undefined) {
    closeSync(lock);
    start(shape, files);
  }
  const outcome = await waitFor<StackInfo | Error>(
    async () => {
      if (existsSync(files.log) && readFileSync(files.log, 'utf8').includes(READY_LINE)) {
        return JSON.parse(readFileSync(files.stackFile, 'utf8')) as StackInfo;
      }
      const pid = existsSync(files.pid) ? Number(readFileSync(files.pid, 'utf8')) : undefined;
      if (pid !== undefined && !alive(pid)) {
        return new Error(`the ${shape} stack stopped before it was ready:\n${lastLines(files.log)}`);
      }
      return undefined;
    },
    { what: `the ${shape} stack`, timeoutMs: START_TIMEOUT_MS, intervalMs: 250 },
  );
  if (outcome instanceof Error) throw outcome;
  return outcome;
}
