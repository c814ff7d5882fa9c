// The local cognito-local child as the stack runs it: what a client wrote is still there after the process is
// stopped (SIGTERM, as the stack stops its children) and started again over the same data directory, even when
// the stop comes before the write-behind store's next flush.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_CREDENTIALS } from '../lib/local-aws';
import { freePort } from '../lib/ports';
import { httpAnswers, waitFor } from '../lib/wait-for';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // Node 20 here; the notice is noise
const root = resolve(__dirname, '..', '..');
jest.setTimeout(60_000);

describe('cognito-local child process', () => {
  let dir: string;
  let port: number;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'local/emulators/cognito-local-server.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          COGNITO_LOCAL_DIR: dir,
          // A flush interval far beyond the test: only the stop can have written the data.
          COGNITO_LOCAL_FLUSH_MS: '600000',
          COGNITO_LOCAL_CONFIG: JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }),
          PORT: String(port),
          HOST: '127.0.0.1',
        },
        stdio: 'ignore',
      },
    );
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`cognito-local exited early (${code})`);
    });
    await waitFor(() => httpAnswers(`http://127.0.0.1:${port}/`), { what: 'cognito-local', abort: exited });
    exited.catch(() => undefined);
  };

  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    child = undefined;
    return code;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cognito-local-child-'));
    port = await freePort();
  });
  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = () =>
    new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: LOCAL_CREDENTIALS,
    });

  it('keeps pools and users written just before a SIGTERM, and forgets a deleted pool', async () => {
    await start();
    const cognito = client();
    const kept = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'kept' }))).UserPool?.Id as string;
    const dropped = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'dropped' }))).UserPool
      ?.Id as string;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: kept,
        Username: 'ada',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'ada@example.com' }],
      }),
    );
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId: dropped }));
    expect(await stop()).toBe(0);

    await start();
    const again = client();
    const user = await again.send(new AdminGetUserCommand({ UserPoolId: kept, Username: 'ada' }));
    expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: 'ada@example.com' });
    expect(user.UserCreateDate).toBeInstanceOf(Date);
    const pools = await again.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools?.map((p) => p.Id)).toEqual([kept]);
  });
});
