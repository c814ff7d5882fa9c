// The running local stack's stack.json, for the command-line helpers beside it (print-env, fill-event): the file
// COGNITO_DR_STACK_FILE names, else .local/stack.json. Exits with a clear message when no stack has written one.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StackInfo } from '@cognito-dr/shared';

export const readStackFile = (): StackInfo => {
  const file =
    process.env.COGNITO_DR_STACK_FILE ?? join(resolve(__dirname, '..', '..'), '.local', 'stack.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  } catch {
    process.stderr.write(`no local stack description at ${file}: start the stack with npm start first\n`);
    process.exit(1);
  }
};
