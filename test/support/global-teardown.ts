// Stops the stack the end-to-end setup started (and only that one), so no emulator outlives the test run.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

export default async (): Promise<void> => {
  const stack = globalThis.cognitoDrStack;
  if (!stack) return;
  await stack.stop();
  rmSync(dirname(stack.stackFile), { recursive: true, force: true });
  globalThis.cognitoDrStack = undefined;
};
