// Starts the local two-region stack once for the end-to-end suite: fresh data in a temp directory, free ports on
// 127.0.0.1. Set COGNITO_DR_STACK_FILE to a running stack's stack.json to test against that one instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningStack, startStack } from '../../local/stack/start-stack';

declare global {
  var cognitoDrStack: RunningStack | undefined;
}

export default async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (process.env.COGNITO_DR_STACK_FILE) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'cognito-dr-e2e-'));
  const stack = await startStack({
    root: resolve(__dirname, '..', '..'),
    dataDir,
    fresh: true,
    replicationDelayMs: 0,
    ports: 'free',
    progress: () => {},
  });
  globalThis.cognitoDrStack = stack;
  process.env.COGNITO_DR_STACK_FILE = stack.stackFile;
};
