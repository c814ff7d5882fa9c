// The operator's tools while the backup region is active, on a local stack of its own (a failover here must not be
// seen by any other suite): nothing they do may harm the pool that serves users. A sign-up on the active backup
// that is not confirmed yet has no record; `cognito-dr repair` must not delete it, and `cognito-dr reconcile` must
// not record the standby primary's older copies over what users did in the backup.
import { AdminGetUserCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { given } from '../support/given';
import { operator } from '../support/operator';
import { type OwnStack, startOwnStack } from '../support/own-stack';
import { connect } from '../support/stack';

let stack: OwnStack;
let clients: ReturnType<typeof connect>;
const cli = (command: string, ...extra: string[]) =>
  operator.runsFrom({ stackFile: stack.stackFile }, command, ...extra);

beforeAll(async () => {
  stack = await startOwnStack('failed-over', { warm: 'single' });
  clients = connect(stack.info);
  // A game-day failover: the primary still answers, and is set on standby.
  const failover = await cli('failover');
  if (failover.code !== 0) throw new Error(`failover exited ${failover.code}: ${failover.stderr}`);
}, 360_000);

afterAll(() => stack?.stop(), 60_000);

describe('the operator tools while the backup pool is active', () => {
  it('repair refuses with exit 2, names the command to use, and an unconfirmed sign-up survives', async () => {
    const user = given.aRandomUser();
    await clients.backupPool.send(
      new SignUpCommand({
        ClientId: stack.info.backup.clientId,
        Username: user.username,
        Password: user.password,
        UserAttributes: [{ Name: 'email', Value: user.attributes.email }],
      }),
    );

    const repair = await cli('repair', '--quota-share', '1');

    expect(repair.code).toBe(2);
    expect(repair.stderr).toMatch(/is the active pool .*`cognito-dr failback`/);
    const { UserStatus } = await clients.backupPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.info.backup.userPoolId, Username: user.username }),
    );
    expect(UserStatus).toBe('UNCONFIRMED');
  }, 120_000);

  it('reconcile of the standby primary pool refuses with exit 2 and names the command to use', async () => {
    const reconcile = await cli('reconcile', '--quota-share', '1');

    expect(reconcile.code).toBe(2);
    expect(reconcile.stderr).toMatch(/is on standby: .* is the active region.*`cognito-dr failback`/);
  }, 120_000);
});
