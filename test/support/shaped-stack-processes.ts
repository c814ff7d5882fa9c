// Where a test run keeps the stacks of other shapes it started (shaped-stack.ts), and how global teardown stops
// them: by the process id each was started with, never by name.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../local/lib/wait-for';
import type { StackShape } from '../../local/stack/shapes';

/** Files of the run's stack of `shape`: its lock, process id, log and data (stack.json inside). */
export const shapedStackFiles = (dir: string, shape: StackShape) => ({
  lock: join(dir, `${shape}.lock`),
  pid: join(dir, `${shape}.pid`),
  log: join(dir, `${shape}.log`),
  dataDir: join(dir, shape),
  stackFile: join(dir, shape, 'stack.json'),
});

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops every shaped stack started in `dir`, each as Ctrl-C would, and waits until each has stopped. */
export async function stopShapedStacks(dir: string, shapes: readonly StackShape[]): Promise<void> {
  await Promise.all(
    shapes.map(async (shape) => {
      const files = shapedStackFiles(dir, shape);
      if (!existsSync(files.pid)) return;
      const pid = Number(readFileSync(files.pid, 'utf8'));
      if (!alive(pid)) return;
      process.kill(pid, 'SIGTERM');
      try {
        await waitFor(async () => (alive(pid) ? undefined : true), {
          what: `the ${shape} stack stopping`,
          timeoutMs: 30_000,
        });
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }),
  );
}
