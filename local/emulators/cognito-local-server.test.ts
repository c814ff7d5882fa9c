// The local cognito-local child as the stack runs it: what a client wrote is still there after the process is
// stopped (SIGTERM, as the stack stops its children) and started again over the same data directory, even when
// the stop comes before the write-behind store's next flush.
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoLocalChild } from './testing/cognito-local-child';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // Node 20 here; the notice is noise
jest.setTimeout(60_000);

describe('cognito-local child process', () => {
  let child: CognitoLocalChild;

  beforeEach(() => {
    // A flush interval far beyond the test: only the stop can have written the data.
    child = new CognitoLocalChild({}, { COGNITO_LOCAL_FLUSH_MS: '600000' });
  });
  afterEach(() => child.dispose());

  it('keeps pools and users written just before a SIGTERM, and forgets a deleted pool', async () => {
    await child.start();
    const cognito = child.client();
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
    expect(await child.stop()).toBe(0);

    await child.start();
    const again = child.client();
    const user = await again.send(new AdminGetUserCommand({ UserPoolId: kept, Username: 'ada' }));
    expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: 'ada@example.com' });
    expect(user.UserCreateDate).toBeInstanceOf(Date);
    const pools = await again.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools?.map((p) => p.Id)).toEqual([kept]);
  });
});
