// Difference 15 of the fidelity layer, against the real cognito-local child: identity providers, linked identities
// and EXTERNAL_PROVIDER users, through the LOCAL-ONLY federated sign-in that stands in for the hosted UI.
import {
  AdminCreateUserCommand,
  AdminDisableProviderForUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  type CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteIdentityProviderCommand,
  DescribeIdentityProviderCommand,
  GetIdentityProviderByIdentifierCommand,
  ListIdentityProvidersCommand,
  UpdateIdentityProviderCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { federatedSignIn } from '../federated-sign-in';
import { CognitoLocalChild } from '../testing/cognito-local-child';
import { LambdaStandin } from '../testing/lambda-standin';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const lambda = new LambdaStandin();
let child: CognitoLocalChild;
let cognito: CognitoIdentityProviderClient;
let endpoint: string;

beforeAll(async () => {
  await lambda.start();
  child = new CognitoLocalChild({
    LambdaClient: lambda.lambdaClient,
    TriggerFunctions: { PreSignUp: 'pre-sign-up', PostConfirmation: 'post-confirmation' },
  });
  await child.start();
  cognito = child.client();
  endpoint = `http://127.0.0.1:${child.port}`;
});
afterAll(async () => {
  await child.dispose();
  await lambda.stop();
});

const GOOGLE = {
  ProviderName: 'Google',
  ProviderType: 'Google' as const,
  ProviderDetails: {
    client_id: 'google-client',
    client_secret: 'google-secret',
    authorize_scopes: 'email profile openid',
  },
  AttributeMapping: { email: 'email', name: 'name' },
};

const aPool = async () => {
  const userPoolId = (
    await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'federation',
        UsernameConfiguration: { CaseSensitive: false },
        Schema: [{ Name: 'source_sub', AttributeDataType: 'String', Mutable: true }],
      }),
    )
  ).UserPool?.Id as string;
  await cognito.send(new CreateIdentityProviderCommand({ UserPoolId: userPoolId, ...GOOGLE }));
  const clientId = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'web',
        SupportedIdentityProviders: ['COGNITO', 'Google'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email'],
        CallbackURLs: ['https://app.example.com/callback'],
      }),
    )
  ).UserPoolClient?.ClientId as string;
  return { userPoolId, clientId };
};
type Pool = Awaited<ReturnType<typeof aPool>>;
const attributesOf = (attributes: { Name?: string; Value?: string }[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((a) => [a.Name, a.Value]));
const claims = (token: unknown) =>
  JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
const signInWithGoogle = (pool: Pool, subject: string, providerClaims: Record<string, string>) =>
  federatedSignIn(endpoint, {
    clientId: pool.clientId,
    providerName: 'Google',
    subject,
    claims: providerClaims,
  });

describe('identity providers', () => {
  it('are created, described with the details Cognito adds, listed, found by identifier, updated and deleted', async () => {
    const pool = await aPool();
    const described = await cognito.send(
      new DescribeIdentityProviderCommand({ UserPoolId: pool.userPoolId, ProviderName: 'Google' }),
    );
    expect(described.IdentityProvider).toMatchObject({
      ProviderType: 'Google',
      ProviderDetails: {
        client_id: 'google-client',
        client_secret: 'google-secret',
        authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
      },
      AttributeMapping: { username: 'sub', email: 'email', name: 'name' },
    });
    await cognito.send(
      new CreateIdentityProviderCommand({
        UserPoolId: pool.userPoolId,
        ProviderName: 'Corp',
        ProviderType: 'SAML',
        ProviderDetails: { MetadataURL: 'https://idp.example.com/metadata' },
        AttributeMapping: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
        IdpIdentifiers: ['example.com'],
      }),
    );
    const listed = await cognito.send(
      new ListIdentityProvidersCommand({ UserPoolId: pool.userPoolId, MaxResults: 1 }),
    );
    expect(listed.Providers?.map((p) => p.ProviderName)).toEqual(['Corp']);
    const next = await cognito.send(
      new ListIdentityProvidersCommand({
        UserPoolId: pool.userPoolId,
        MaxResults: 1,
        NextToken: listed.NextToken,
      }),
    );
    expect(next.Providers?.map((p) => p.ProviderName)).toEqual(['Google']);
    expect(
      (
        await cognito.send(
          new GetIdentityProviderByIdentifierCommand({
            UserPoolId: pool.userPoolId,
            IdpIdentifier: 'example.com',
          }),
        )
      ).IdentityProvider?.ProviderName,
    ).toBe('Corp');
    await cognito.send(
      new UpdateIdentityProviderCommand({
        UserPoolId: pool.userPoolId,
        ProviderName: 'Corp',
        AttributeMapping: { email: 'mail', name: 'displayName' },
      }),
    );
    const updated = await cognito.send(
      new DescribeIdentityProviderCommand({ UserPoolId: pool.userPoolId, ProviderName: 'Corp' }),
    );
    expect(updated.IdentityProvider).toMatchObject({
      AttributeMapping: { email: 'mail', name: 'displayName' },
      ProviderDetails: { MetadataURL: 'https://idp.example.com/metadata' },
      IdpIdentifiers: ['example.com'],
    });
    await cognito.send(
      new DeleteIdentityProviderCommand({ UserPoolId: pool.userPoolId, ProviderName: 'Corp' }),
    );
    await expect(
      cognito.send(
        new DescribeIdentityProviderCommand({ UserPoolId: pool.userPoolId, ProviderName: 'Corp' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("refuses what Cognito refuses: a duplicate, a social provider under another name, missing details, a mapping to no attribute, and keeps Apple's private key to itself", async () => {
    const pool = await aPool();
    await expect(
      cognito.send(new CreateIdentityProviderCommand({ UserPoolId: pool.userPoolId, ...GOOGLE })),
    ).rejects.toMatchObject({
      name: 'DuplicateProviderException',
    });
    await expect(
      cognito.send(
        new CreateIdentityProviderCommand({ UserPoolId: pool.userPoolId, ...GOOGLE, ProviderName: 'Goog' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      cognito.send(
        new CreateIdentityProviderCommand({
          UserPoolId: pool.userPoolId,
          ProviderName: 'Facebook',
          ProviderType: 'Facebook',
          ProviderDetails: { client_id: 'fb' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('client_secret'),
    });
    await expect(
      cognito.send(
        new CreateIdentityProviderCommand({
          UserPoolId: pool.userPoolId,
          ProviderName: 'LoginWithAmazon',
          ProviderType: 'LoginWithAmazon',
          ProviderDetails: { client_id: 'a', client_secret: 'b', authorize_scopes: 'profile' },
          AttributeMapping: { 'custom:nope': 'email' },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('custom:nope'),
    });
    await cognito.send(
      new CreateIdentityProviderCommand({
        UserPoolId: pool.userPoolId,
        ProviderName: 'SignInWithApple',
        ProviderType: 'SignInWithApple',
        ProviderDetails: {
          client_id: 'c',
          team_id: 't',
          key_id: 'k',
          private_key: 'secret-key',
          authorize_scopes: 'email name',
        },
      }),
    );
    const apple = await cognito.send(
      new DescribeIdentityProviderCommand({ UserPoolId: pool.userPoolId, ProviderName: 'SignInWithApple' }),
    );
    expect(apple.IdentityProvider?.ProviderDetails?.private_key).toBeUndefined();
  });
});

describe('federated sign-in (the LOCAL-ONLY stand-in for the hosted UI)', () => {
  it('makes a new EXTERNAL_PROVIDER user from the mapped claims, runs the sign-up triggers, and updates them next time', async () => {
    const pool = await aPool();
    const first = await signInWithGoogle(pool, '1001', { email: 'fed@example.com', name: 'Fed One' });
    expect(first.Username).toBe('google_1001');
    expect(claims(first.AuthenticationResult.IdToken)['cognito:username']).toBe('google_1001');
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'Google_1001' }),
    );
    expect(user.UserStatus).toBe('EXTERNAL_PROVIDER');
    const attributes = attributesOf(user.UserAttributes);
    expect(attributes).toMatchObject({ email: 'fed@example.com', name: 'Fed One' });
    expect(JSON.parse(String(attributes.identities))).toEqual([
      expect.objectContaining({
        userId: '1001',
        providerName: 'Google',
        providerType: 'Google',
        primary: true,
      }),
    ]);
    expect(lambda.received['pre-sign-up']?.at(-1)).toMatchObject({
      triggerSource: 'PreSignUp_ExternalProvider',
    });
    expect(lambda.received['post-confirmation']?.at(-1)).toMatchObject({
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      userName: 'google_1001',
    });
    const confirmations = lambda.received['post-confirmation']?.length;
    await signInWithGoogle(pool, '1001', { email: 'fed.new@example.com', name: 'Fed One' });
    const again = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'google_1001' }),
    );
    expect(attributesOf(again.UserAttributes).email).toBe('fed.new@example.com');
    expect(lambda.received['post-confirmation']?.length).toBe(confirmations);
  });

  it('signs a linked subject in as the user it is linked to, who keeps their name and sub', async () => {
    const pool = await aPool();
    const { User } = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: 'replicated-user',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'custom:source_sub', Value: 'home-sub' }],
      }),
    );
    await cognito.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: pool.userPoolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'replicated-user' },
        SourceUser: {
          ProviderName: 'Google',
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: '2002',
        },
      }),
    );
    const linked = attributesOf(
      (
        await cognito.send(
          new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'replicated-user' }),
        )
      ).UserAttributes,
    );
    expect(JSON.parse(String(linked.identities))).toEqual([
      expect.objectContaining({ userId: '2002', providerName: 'Google', primary: false }),
    ]);
    const signedIn = await signInWithGoogle(pool, '2002', { email: 'linked@example.com' });
    expect(signedIn.Username).toBe('replicated-user');
    const id = claims(signedIn.AuthenticationResult.IdToken);
    expect(id.sub).toBe(attributesOf(User?.Attributes).sub);
    expect(id['custom:source_sub']).toBe('home-sub');
    await expect(
      cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'google_2002' })),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect(
      attributesOf(
        signedIn.UserAttributes
          ? Object.entries(signedIn.UserAttributes).map(([Name, Value]) => ({ Name, Value }))
          : [],
      ).email,
    ).toBe('linked@example.com');
  });

  it('refuses links Cognito refuses, and unlinks with AdminDisableProviderForUser', async () => {
    const pool = await aPool();
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: 'owner',
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: 'other',
        MessageAction: 'SUPPRESS',
      }),
    );
    const linkTo = (username: string, subject: string, attributeName = 'Cognito_Subject') =>
      cognito.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: pool.userPoolId,
          DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
          SourceUser: {
            ProviderName: 'Google',
            ProviderAttributeName: attributeName,
            ProviderAttributeValue: subject,
          },
        }),
      );
    await expect(linkTo('owner', '3003', 'email')).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(linkTo('nobody', '3003')).rejects.toMatchObject({ name: 'UserNotFoundException' });
    await linkTo('owner', '3003');
    await expect(linkTo('other', '3003')).rejects.toMatchObject({ name: 'AliasExistsException' });
    await signInWithGoogle(pool, '4004', { email: 'already@example.com' });
    await expect(linkTo('owner', '4004')).rejects.toMatchObject({ name: 'InvalidParameterException' });

    await cognito.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId: pool.userPoolId,
        User: {
          ProviderName: 'Google',
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: '3003',
        },
      }),
    );
    const owner = attributesOf(
      (await cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'owner' })))
        .UserAttributes,
    );
    expect(owner.identities).toBeUndefined();
    // Unlinked, the subject signs in as a user of its own.
    expect((await signInWithGoogle(pool, '3003', { email: 'x@example.com' })).Username).toBe('google_3003');
  });

  it('refuses a provider the app client does not support', async () => {
    const pool = await aPool();
    const other = (
      await cognito.send(
        new CreateUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientName: 'native-only' }),
      )
    ).UserPoolClient?.ClientId as string;
    await expect(
      federatedSignIn(endpoint, { clientId: other, providerName: 'Google', subject: '5005', claims: {} }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const notOAuth = (
      await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.userPoolId,
          ClientName: 'oauth-not-allowed',
          SupportedIdentityProviders: ['Google'],
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid'],
          CallbackURLs: ['https://app.example.com/callback'],
        }),
      )
    ).UserPoolClient?.ClientId as string;
    await expect(
      federatedSignIn(endpoint, { clientId: notOAuth, providerName: 'Google', subject: '5005', claims: {} }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/OAuth/) });
  });

  it('refuses a disabled user linked to the subject', async () => {
    const pool = await aPool();
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: 'linked-off',
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: pool.userPoolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'linked-off' },
        SourceUser: {
          ProviderName: 'Google',
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: '6006',
        },
      }),
    );
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: pool.userPoolId, Username: 'linked-off' }));
    await expect(signInWithGoogle(pool, '6006', {})).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
  });
});
