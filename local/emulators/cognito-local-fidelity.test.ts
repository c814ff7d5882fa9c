// The local cognito-local behaves as Cognito does where this project depends on it (cognito-local-fidelity.ts):
// proven against the real child, with a stand-in Lambda endpoint answering its trigger calls.
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { secretHash } from '@cognito-dr/shared';
import { CognitoLocalChild } from './testing/cognito-local-child';
import { LambdaStandin } from './testing/lambda-standin';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const lambda = new LambdaStandin();
const { received, answers } = lambda;
let child: CognitoLocalChild;
let cognito: CognitoIdentityProviderClient;
let userPoolId: string;
let clientId: string;

beforeAll(async () => {
  await lambda.start();
  child = new CognitoLocalChild({
    LambdaClient: lambda.lambdaClient,
    TriggerFunctions: {
      CustomMessage: 'custom-message',
      UserMigration: 'user-migration',
      PreAuthentication: 'pre-authentication',
    },
  });
  await child.start();
  cognito = child.client();
  userPoolId = (
    await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'fidelity',
        Schema: [{ Name: 'source_sub', AttributeDataType: 'String', Mutable: true }],
      }),
    )
  ).UserPool?.Id as string;
  clientId = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'app',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        WriteAttributes: ['email', 'name'],
      }),
    )
  ).UserPoolClient?.ClientId as string;
});

afterAll(async () => {
  await child.dispose();
  await lambda.stop();
});

const existingUser = async (username: string) => {
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: 'Pw-1-fidelity',
      Permanent: true,
    }),
  );
};
const signIn = (username: string, password = 'Pw-1-fidelity') =>
  cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );

it('refuses a disabled user at sign-in', async () => {
  await existingUser('disabled');
  await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: 'disabled' }));
  await expect(signIn('disabled')).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: 'User is disabled.',
  });
});

it("lets a client write only its WriteAttributes, at sign-up and with a user's own token", async () => {
  await expect(
    cognito.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: 'squatter',
        Password: 'Pw-1-fidelity',
        UserAttributes: [
          { Name: 'email', Value: 'squatter@example.com' },
          { Name: 'custom:source_sub', Value: 'someone-elses-sub' },
        ],
      }),
    ),
  ).rejects.toMatchObject({ name: 'NotAuthorizedException' });

  await existingUser('writer');
  const token = (await signIn('writer')).AuthenticationResult?.AccessToken;
  await cognito.send(
    new UpdateUserAttributesCommand({
      AccessToken: token,
      UserAttributes: [{ Name: 'name', Value: 'Writer' }],
    }),
  );
  await expect(
    cognito.send(
      new UpdateUserAttributesCommand({
        AccessToken: token,
        UserAttributes: [{ Name: 'custom:source_sub', Value: 'someone-elses-sub' }],
      }),
    ),
  ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
});

it('signs up through a client with a secret only with the right SECRET_HASH', async () => {
  const client = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'with-secret',
        GenerateSecret: true,
      }),
    )
  ).UserPoolClient;
  const signUp = (username: string, hash?: string) =>
    cognito.send(
      new SignUpCommand({
        ClientId: client?.ClientId,
        SecretHash: hash,
        Username: username,
        Password: 'Pw-1-fidelity',
        UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }],
      }),
    );
  await expect(signUp('no-hash')).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: `Client ${client?.ClientId} is configured for secret but secret was not received`,
  });
  await expect(
    signUp('wrong-hash', secretHash('not-the-secret', 'wrong-hash', String(client?.ClientId))),
  ).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: `Unable to verify secret hash for client ${client?.ClientId}`,
  });
  const created = await signUp(
    'right-hash',
    secretHash(String(client?.ClientSecret), 'right-hash', String(client?.ClientId)),
  );
  expect(created.UserSub).toBeDefined();
});

it('signs up in a pool that auto-verifies nothing, sending no code, and keeps reporting the empty list', async () => {
  const standby = (
    await cognito.send(
      new CreateUserPoolCommand({ PoolName: 'verifies-nothing', AutoVerifiedAttributes: [] }),
    )
  ).UserPool?.Id as string;
  const app = (
    await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: standby, ClientName: 'app' }))
  ).UserPoolClient?.ClientId as string;
  const sentBefore = received['custom-message']?.length ?? 0;
  const created = await cognito.send(
    new SignUpCommand({
      ClientId: app,
      Username: 'quiet',
      Password: 'Pw-1-fidelity',
      UserAttributes: [{ Name: 'email', Value: 'quiet@example.com' }],
    }),
  );
  expect(created.CodeDeliveryDetails).toBeUndefined();
  expect(received['custom-message']?.length ?? 0).toBe(sentBefore);
  const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: standby }));
  expect(UserPool?.AutoVerifiedAttributes ?? 'absent').toEqual([]);
});

it('runs PreAuthentication before a password sign-in, and refuses the sign-in when it fails', async () => {
  await existingUser('guarded');
  const before = received['pre-authentication']?.length ?? 0;
  expect((await signIn('guarded')).AuthenticationResult?.AccessToken).toBeDefined();
  expect(received['pre-authentication']?.slice(before)).toEqual([
    expect.objectContaining({
      triggerSource: 'PreAuthentication_Authentication',
      userPoolId: userPoolId,
      userName: 'guarded',
      callerContext: expect.objectContaining({ clientId }),
      request: expect.objectContaining({
        userAttributes: expect.objectContaining({ email: 'guarded@example.com' }),
      }),
    }),
  ]);

  answers['pre-authentication'] = () => ({ error: 'this user pool is on standby' });
  // Even the right password: the trigger decides before the password is looked at.
  await expect(signIn('guarded')).rejects.toMatchObject({
    name: 'UserLambdaValidationException',
    message: 'PreAuthentication failed with error this user pool is on standby.',
  });
  await expect(
    cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'guarded', PASSWORD: 'Pw-1-fidelity' },
      }),
    ),
  ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });
  delete answers['pre-authentication'];
});

it('fails the call when the CustomMessage trigger fails, instead of sending the default message', async () => {
  await existingUser('resetter');
  answers['custom-message'] = () => ({ error: 'this user pool is on standby' });
  await expect(
    cognito.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'resetter' })),
  ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });
  expect(received['custom-message']?.at(-1)).toMatchObject({ triggerSource: 'CustomMessage_ForgotPassword' });
});

it('fails the call with UnexpectedLambdaException when a trigger cannot be invoked', async () => {
  await existingUser('unlucky');
  answers['custom-message'] = () => ({ crash: true });
  await expect(
    cognito.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'unlucky' })),
  ).rejects.toMatchObject({ name: 'UnexpectedLambdaException' });
});

it('migrates a user under the username they signed in with, with a sub of their own', async () => {
  answers['user-migration'] = (event) => ({
    event: {
      ...event,
      response: {
        userAttributes: {
          email: 'newcomer@example.com',
          email_verified: 'true',
          'custom:source_sub': 'home-sub',
        },
        finalUserStatus: 'CONFIRMED',
        messageAction: 'SUPPRESS',
      },
    },
  });
  const signedIn = await signIn('newcomer', 'Their-own-1');
  expect(signedIn.AuthenticationResult?.AccessToken).toBeDefined();
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'newcomer' }));
  const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
  expect(attributes).toMatchObject({ email: 'newcomer@example.com', 'custom:source_sub': 'home-sub' });
  expect(attributes.sub).toMatch(/^[0-9a-f-]{36}$/);
  expect(received['user-migration']?.at(-1)).toMatchObject({
    triggerSource: 'UserMigration_Authentication',
    userName: 'newcomer',
  });
});

it('runs UserMigration for a password reset of a user the pool lacks, who then must reset', async () => {
  answers['custom-message'] = (event) => ({ event });
  answers['user-migration'] = (event) => ({
    event: {
      ...event,
      response: { userAttributes: { email: 'forgetful@example.com', email_verified: 'true' } },
    },
  });
  await cognito.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'forgetful' }));
  expect(received['user-migration']?.at(-1)).toMatchObject({ triggerSource: 'UserMigration_ForgotPassword' });
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'forgetful' }));
  expect(user.UserStatus).toBe('RESET_REQUIRED');

  answers['user-migration'] = () => ({ error: 'no such user' });
  await expect(
    cognito.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'stranger' })),
  ).rejects.toMatchObject({ name: 'UserNotFoundException' });
});
