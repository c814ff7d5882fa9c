// Differences 9-12 of the fidelity layer, against the real cognito-local child: what names a user in pools with
// username attributes, alias attributes and either case setting, what two users may not share, and
// AdminCreateUser's PreSignUp trigger.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoLocalChild } from '../testing/cognito-local-child';
import { LambdaStandin } from '../testing/lambda-standin';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const PASSWORD = 'Pw-1-identifiers';
const lambda = new LambdaStandin();
let child: CognitoLocalChild;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  await lambda.start();
  child = new CognitoLocalChild({
    LambdaClient: lambda.lambdaClient,
    TriggerFunctions: { PreSignUp: 'pre-sign-up' },
  });
  await child.start();
  cognito = child.client();
});

afterAll(async () => {
  await child.dispose();
  await lambda.stop();
});

const aPool = async (settings: Omit<CreateUserPoolCommandInput, 'PoolName'>) => {
  const userPoolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'identifiers', ...settings })))
    .UserPool?.Id as string;
  const clientId = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'app',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    )
  ).UserPoolClient?.ClientId as string;
  await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'members' }));
  return { userPoolId, clientId };
};
const attributesOf = (attributes: AttributeType[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((a) => [a.Name, a.Value]));
const createUser = (
  userPoolId: string,
  username: string,
  attributes: Record<string, string> = {},
  force?: boolean,
) =>
  cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      ForceAliasCreation: force,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
const getUser = (userPoolId: string, username: string) =>
  cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
const signIn = (clientId: string, username: string) =>
  cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: PASSWORD },
    }),
  );
const claims = (token: string | undefined) =>
  JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

/** Every call that takes a username, given `name` for the user called `username`: each must reach that user. */
const everyCallFinds = async (
  pool: { userPoolId: string; clientId: string },
  name: string,
  username: string,
) => {
  const UserPoolId = pool.userPoolId;
  expect((await getUser(UserPoolId, name)).Username).toBe(username);
  await cognito.send(
    new AdminSetUserPasswordCommand({ UserPoolId, Username: name, Password: PASSWORD, Permanent: true }),
  );
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: name, GroupName: 'members' }));
  const groups = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: name }));
  expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['members']);
  await cognito.send(
    new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: name, GroupName: 'members' }),
  );
  await cognito.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId,
      Username: name,
      UserAttributes: [{ Name: 'name', Value: 'N' }],
    }),
  );
  await cognito.send(new AdminDisableUserCommand({ UserPoolId, Username: name }));
  await expect(signIn(pool.clientId, name)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  await cognito.send(new AdminEnableUserCommand({ UserPoolId, Username: name }));
  const tokens = await signIn(pool.clientId, name);
  expect(claims(tokens.AuthenticationResult?.IdToken)['cognito:username']).toBe(username);
  const reset = await cognito.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: name }));
  expect(reset.CodeDeliveryDetails).toBeDefined();
};

describe('a pool whose users sign in with their email (UsernameAttributes [email], case-insensitive)', () => {
  let pool: { userPoolId: string; clientId: string };
  beforeAll(async () => {
    pool = await aPool({ UsernameAttributes: ['email'], UsernameConfiguration: { CaseSensitive: false } });
  });

  it('names a signed-up user after their sub and keeps the email as an attribute', async () => {
    const { UserSub } = await cognito.send(
      new SignUpCommand({ ClientId: pool.clientId, Username: 'ada@example.com', Password: PASSWORD }),
    );
    const user = await getUser(pool.userPoolId, 'ada@example.com');
    expect(user.Username).toBe(UserSub);
    expect(attributesOf(user.UserAttributes)).toMatchObject({ sub: UserSub, email: 'ada@example.com' });
  });

  it('takes the email, in any case, and the sub wherever a username goes', async () => {
    const { User } = await createUser(pool.userPoolId, 'Grace@Example.com');
    const sub = attributesOf(User?.Attributes).sub as string;
    expect(User?.Username).toBe(sub);
    await everyCallFinds(pool, 'grace@EXAMPLE.com', sub);
    expect((await getUser(pool.userPoolId, sub)).Username).toBe(sub);
  });

  it('refuses a username that is not an email', async () => {
    await expect(
      cognito.send(
        new SignUpCommand({ ClientId: pool.clientId, Username: 'plain-name', Password: PASSWORD }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Username should be an email.' });
  });

  it('refuses a second user with the same email in any case, verified or not, and moving onto it', async () => {
    await createUser(pool.userPoolId, 'taken@example.com');
    await expect(
      cognito.send(
        new SignUpCommand({ ClientId: pool.clientId, Username: 'TAKEN@example.com', Password: PASSWORD }),
      ),
    ).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given email already exists.',
    });
    await expect(createUser(pool.userPoolId, 'taken@example.com')).rejects.toMatchObject({
      name: 'UsernameExistsException',
    });
    await createUser(pool.userPoolId, 'mover@example.com');
    await expect(
      cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.userPoolId,
          Username: 'mover@example.com',
          UserAttributes: [{ Name: 'email', Value: 'Taken@example.com' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'AliasExistsException' });
    expect(attributesOf((await getUser(pool.userPoolId, 'mover@example.com')).UserAttributes).email).toBe(
      'mover@example.com',
    );
  });
});

describe('a pool whose users sign in with their phone number (UsernameAttributes [phone_number])', () => {
  let pool: { userPoolId: string; clientId: string };
  beforeAll(async () => {
    pool = await aPool({ UsernameAttributes: ['phone_number'] });
  });

  it('takes the phone number as the username, names the user after their sub, and refuses a duplicate', async () => {
    const { User } = await createUser(pool.userPoolId, '+15550100001', {
      email: 'p1@example.com',
      email_verified: 'true',
    });
    const attributes = attributesOf(User?.Attributes);
    expect(User?.Username).toBe(attributes.sub);
    expect(attributes.phone_number).toBe('+15550100001');
    await everyCallFinds(pool, '+15550100001', attributes.sub as string);
    await expect(createUser(pool.userPoolId, '+15550100001')).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given phone_number already exists.',
    });
    await expect(createUser(pool.userPoolId, 'p2@example.com')).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username should be a phone number.',
    });
  });
});

describe('a pool with a username and aliases (AliasAttributes [email, preferred_username], case-sensitive)', () => {
  let pool: { userPoolId: string; clientId: string };
  beforeAll(async () => {
    pool = await aPool({ AliasAttributes: ['email', 'preferred_username'] });
  });

  it('takes an email as a name only once it is verified', async () => {
    await createUser(pool.userPoolId, 'linus', { email: 'linus@example.com' });
    await expect(getUser(pool.userPoolId, 'linus@example.com')).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool.userPoolId,
        Username: 'linus',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
    await everyCallFinds(pool, 'linus@example.com', 'linus');
  });

  it('takes the preferred_username, in its own case only, and the username in its own case only', async () => {
    await createUser(pool.userPoolId, 'Margaret', { preferred_username: 'maggie' });
    expect((await getUser(pool.userPoolId, 'maggie')).Username).toBe('Margaret');
    await expect(getUser(pool.userPoolId, 'Maggie')).rejects.toMatchObject({ name: 'UserNotFoundException' });
    await expect(getUser(pool.userPoolId, 'margaret')).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
  });

  it('refuses a username that looks like an email', async () => {
    await expect(createUser(pool.userPoolId, 'someone@example.com')).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username cannot be of email format, since user pool is configured for email alias.',
    });
  });

  it('lets one user hold a verified email: a second is refused, or takes it with ForceAliasCreation', async () => {
    const verified = { email: 'shared@example.com', email_verified: 'true' };
    await createUser(pool.userPoolId, 'first', verified);
    await expect(createUser(pool.userPoolId, 'second', verified)).rejects.toMatchObject({
      name: 'AliasExistsException',
    });
    await expect(getUser(pool.userPoolId, 'second')).rejects.toMatchObject({ name: 'UserNotFoundException' });
    // Unverified, anyone may carry it.
    await createUser(pool.userPoolId, 'third', { email: 'shared@example.com' });
    await createUser(pool.userPoolId, 'second', verified, true);
    expect((await getUser(pool.userPoolId, 'shared@example.com')).Username).toBe('second');
    expect(attributesOf((await getUser(pool.userPoolId, 'first')).UserAttributes)).toMatchObject({
      email: 'shared@example.com',
      email_verified: 'false',
    });
    await expect(
      cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.userPoolId,
          Username: 'third',
          UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'AliasExistsException' });
  });
});

describe('a case-insensitive pool with plain usernames', () => {
  it('finds a user by their username in any case, reports it as created, and refuses it in another case', async () => {
    const pool = await aPool({ UsernameConfiguration: { CaseSensitive: false } });
    await createUser(pool.userPoolId, 'Alice', { email: 'alice@example.com', email_verified: 'true' });
    await everyCallFinds(pool, 'ALICE', 'Alice');
    await expect(createUser(pool.userPoolId, 'alice')).rejects.toMatchObject({
      name: 'UsernameExistsException',
      message: 'User already exists',
    });
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool.userPoolId, Username: 'aLiCe' }));
    await expect(getUser(pool.userPoolId, 'Alice')).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });
});

describe("AdminCreateUser's PreSignUp trigger", () => {
  let pool: { userPoolId: string; clientId: string };
  beforeAll(async () => {
    pool = await aPool({ UsernameAttributes: ['email'] });
  });

  it('runs with PreSignUp_AdminCreateUser and the generated username, and its answers change nothing', async () => {
    lambda.answers['pre-sign-up'] = (event) => ({
      event: { ...event, response: { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false } },
    });
    const { User } = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: 'invited@example.com',
        MessageAction: 'SUPPRESS',
        ClientMetadata: { origin: 'test' },
        ValidationData: [{ Name: 'ticket', Value: '42' }],
      }),
    );
    expect(lambda.received['pre-sign-up']?.at(-1)).toMatchObject({
      triggerSource: 'PreSignUp_AdminCreateUser',
      userName: User?.Username,
      userPoolId: pool.userPoolId,
      callerContext: { clientId: 'CLIENT_ID_NOT_APPLICABLE' },
      request: {
        userAttributes: { email: 'invited@example.com' },
        clientMetadata: { origin: 'test' },
        validationData: { ticket: '42' },
      },
    });
    const user = await getUser(pool.userPoolId, 'invited@example.com');
    expect(user.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect(attributesOf(user.UserAttributes).email_verified).toBeUndefined();
  });

  it('fails the create when the trigger fails, and creates nobody', async () => {
    lambda.answers['pre-sign-up'] = () => ({ error: 'not on the guest list' });
    await expect(createUser(pool.userPoolId, 'gatecrasher@example.com')).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
    });
    await expect(getUser(pool.userPoolId, 'gatecrasher@example.com')).rejects.toMatchObject({
      name: 'UserNotFoundException',
    });
    delete lambda.answers['pre-sign-up'];
  });
});
