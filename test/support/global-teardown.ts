// Stops the stacks the end-to-end run started (and only those), so no emulator outlives the test run.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { STACK_SHAPES } from '../../local/stack/shapes';
import { stopShapedStacks } from './shaped-stack-processes';

export default async (): Promise<void> => {
  const shapes = process.env.COGNITO_DR_E2E_DIR;
  if (shapes) {
    await stopShapedStacks(shapes, STACK_SHAPES);
    rmSync(shapes, { recursive: true, force: true });
    delete process.env.COGNITO_DR_E2E_DIR;
  }
  const stack = globalThis.cognitoDrStack;
  if (!stack) return;
  await stack.stop();
  rmSync(dirname(stack.stackFile), { recursive: true, force: true });
  globalThis.cognitoDrStack = undefined;
};
