// Starts the local cognito-local child (cognito-local-server.ts) as the stack runs it, for tests: a temp data
// directory, a free port, a given config; stopped with SIGTERM as the stack stops its children.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_CREDENTIALS } from '../../lib/local-aws';
import { freePort } from '../../lib/ports';
import { httpAnswers, waitFor } from '../../lib/wait-for';

const root = resolve(__dirname, '..', '..', '..');

export class CognitoLocalChild {
  readonly dir = mkdtempSync(join(tmpdir(), 'cognito-local-child-'));
  port = 0;
  private child: ChildProcess | undefined;

  constructor(
    private readonly config: object = {},
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  async start(): Promise<void> {
    this.port ||= await freePort();
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'local/emulators/cognito-local-server.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          ...this.env,
          COGNITO_LOCAL_DIR: this.dir,
          COGNITO_LOCAL_CONFIG: JSON.stringify({
            UserPoolDefaults: { UsernameAttributes: [] },
            ...this.config,
          }),
          PORT: String(this.port),
          HOST: '127.0.0.1',
        },
        stdio: 'ignore',
      },
    );
    const exited = once(this.child, 'exit').then(([code]) => {
      throw new Error(`cognito-local exited early (${code})`);
    });
    await waitFor(() => httpAnswers(`http://127.0.0.1:${this.port}/`), {
      what: 'cognito-local',
      abort: exited,
    });
    exited.catch(() => undefined);
  }

  /** Stops the child; resolves to its exit code (undefined when it was not running). */
  async stop(): Promise<number | undefined> {
    const child = this.child;
    if (!child || child.exitCode !== null) return undefined;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    this.child = undefined;
    return code as number;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  client(): CognitoIdentityProviderClient {
    return new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${this.port}`,
      credentials: LOCAL_CREDENTIALS,
    });
  }
}
