// The backup pool on standby (normal times), tried the way a stranger or a user would try it with real tokens: it
// signs nobody in through the apps' client, no client may write the home-sub link apps map identities by, and the
// pool sends nobody a message.
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readMailbox } from '@cognito-dr/shared';
import { MIGRATION_CLIENT } from '../../local/stack/shapes';
import { given } from '../support/given';
import { backupPool, stack } from '../support/stack';

/** Users made here exist only in the backup pool: every other suite's verify would count them as drift. */
const made: string[] = [];
afterAll(() =>
  Promise.all(
    made.map((Username) =>
      backupPool.send(new AdminDeleteUserCommand({ UserPoolId: stack.backup.userPoolId, Username })),
    ),
  ),
);

/** A user who somehow knows a password in the backup pool (in real life: nobody does while it is on standby). */
const aBackupUserWithAPassword = async () => {
  const user = given.aRandomUser();
  made.push(user.username);
  await backupPool.send(
    new AdminCreateUserCommand({
      UserPoolId: stack.backup.userPoolId,
      Username: user.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: user.attributes.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:source_sub', Value: 'the-home-sub-of-this-user' },
      ],
    }),
  );
  await backupPool.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: stack.backup.userPoolId,
      Username: user.username,
      Password: user.password,
      Permanent: true,
    }),
  );
  // The one client a standby pool still signs users in through: the primary's migration check. It may write what
  // the apps' client may (the same WriteAttributes), so its tokens try the same rules.
  const { AuthenticationResult } = await backupPool.send(
    new AdminInitiateAuthCommand({
      UserPoolId: stack.backup.userPoolId,
      ClientId: await migrationClientId(),
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }),
  );
  return { user, accessToken: AuthenticationResult?.AccessToken };
};

const migrationClientId = async () => {
  const { UserPoolClients } = await backupPool.send(
    new ListUserPoolClientsCommand({ UserPoolId: stack.backup.userPoolId, MaxResults: 60 }),
  );
  const client = UserPoolClients?.find((c) => c.ClientName === MIGRATION_CLIENT);
  if (!client?.ClientId) throw new Error(`the backup pool has no ${MIGRATION_CLIENT} client`);
  return client.ClientId;
};

describe('the backup pool on standby', () => {
  it("signs nobody in through the apps' client, whatever password the user has there", async () => {
    const { user } = await aBackupUserWithAPassword();
    await expect(
      backupPool.send(
        new InitiateAuthCommand({
          ClientId: stack.backup.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: expect.stringMatching(/standby/),
    });
  });

  it("refuses a signed-in user's write of custom:source_sub, and lets them write what users may", async () => {
    const { accessToken } = await aBackupUserWithAPassword();
    await expect(
      backupPool.send(
        new UpdateUserAttributesCommand({
          AccessToken: accessToken,
          UserAttributes: [{ Name: 'custom:source_sub', Value: 'somebody-elses-sub' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(
      backupPool.send(
        new UpdateUserAttributesCommand({
          AccessToken: accessToken,
          UserAttributes: [{ Name: 'custom:tenant_id', Value: 'tenant-of-my-choice' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await backupPool.send(
      new UpdateUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributes: [{ Name: 'name', Value: 'Me' }],
      }),
    );
  });

  it('sends no password-reset code: the call fails and the outbox stays empty for that user', async () => {
    const { user } = await aBackupUserWithAPassword();
    await expect(
      backupPool.send(
        new ForgotPasswordCommand({ ClientId: stack.backup.clientId, Username: user.username }),
      ),
    ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });
    expect(readMailbox(stack.mailbox.backup).filter((message) => message.username === user.username)).toEqual(
      [],
    );
  });
});
