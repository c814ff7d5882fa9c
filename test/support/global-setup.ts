// Starts the local two-region stack once for the end-to-end suite: fresh data in a temp directory, free ports on
// 127.0.0.1. Set COGNITO_DR_STACK_FILE to a running stack's stack.json to test against that one instead. Stacks of
// other shapes start only when a test asks for one (shaped-stack.ts), in the run's directory made here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningStack, startStack } from '../../local/stack/start-stack';

declare global {
  var cognitoDrStack: RunningStack | undefined;
}

export default async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (!process.env.COGNITO_DR_STACK_FILE) {
    const dataDir = mkdtempSync(join(tmpdir(), 'cognito-dr-e2e-'));
    try {
      const stack = await startStack({
        root: resolve(__dirname, '..', '..'),
        dataDir,
        fresh: true,
        replicationDelayMs: 0,
        ports: 'free',
        // The suites call the sign-up path one at a time: one warm instance of each function is enough.
        warm: 'single',
        progress: () => {},
      });
      globalThis.cognitoDrStack = stack;
      process.env.COGNITO_DR_STACK_FILE = stack.stackFile;
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  process.env.COGNITO_DR_E2E_DIR = mkdtempSync(join(tmpdir(), 'cognito-dr-e2e-shapes-'));
};
