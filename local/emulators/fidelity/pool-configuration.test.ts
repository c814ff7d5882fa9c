// Difference 16 of the fidelity layer, against the real cognito-local child: a pool's configuration as mirror reads
// and writes it - DescribeUserPool with every setting, UpdateUserPool's reset of what a call leaves out, custom
// attributes, groups, app clients with every field, resource servers and domains, each validated as Cognito does.
import {
  AddCustomAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolDomainCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  GetGroupCommand,
  ListResourceServersCommand,
  SignUpCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoLocalChild } from '../testing/cognito-local-child';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

let child: CognitoLocalChild;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  child = new CognitoLocalChild();
  await child.start();
  cognito = child.client();
});
afterAll(() => child.dispose());

const aPool = async (name = 'configured') =>
  (
    await cognito.send(
      new CreateUserPoolCommand({
        PoolName: name,
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: false } },
        AutoVerifiedAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Schema: [{ Name: 'tier', AttributeDataType: 'String', Mutable: true }],
      }),
    )
  ).UserPool?.Id as string;
const describe_ = async (UserPoolId: string) =>
  (await cognito.send(new DescribeUserPoolCommand({ UserPoolId }))).UserPool;

describe('DescribeUserPool and UpdateUserPool', () => {
  it('reports every setting, and the settings an update leaves out go back to their defaults', async () => {
    const UserPoolId = await aPool();
    const before = await describe_(UserPoolId);
    expect(before).toMatchObject({
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: false } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OFF',
      DeletionProtection: 'INACTIVE',
      EstimatedNumberOfUsers: 0,
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
    });
    // Only the auto-verified attributes are given: the password policy and the admin-only setting reset.
    await cognito.send(new UpdateUserPoolCommand({ UserPoolId, AutoVerifiedAttributes: ['email'] }));
    const after = await describe_(UserPoolId);
    expect(after?.Policies?.PasswordPolicy).toMatchObject({ MinimumLength: 8, RequireSymbols: true });
    expect(after?.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: false });
    expect(after?.AutoVerifiedAttributes).toEqual(['email']);
    expect(after?.Name).toBe('configured');
    expect(after?.SchemaAttributes?.some((a) => a.Name === 'custom:tier')).toBe(true);
  });

  it('keeps the deletion protection and feature plan a pool is created with', async () => {
    const { UserPool } = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'protected',
        DeletionProtection: 'ACTIVE',
        UserPoolTier: 'PLUS',
      }),
    );
    expect(await describe_(String(UserPool?.Id))).toMatchObject({
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'PLUS',
    });
    await expect(
      cognito.send(new CreateUserPoolCommand({ PoolName: 'refused', DeletionProtection: 'ON' as never })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('refuses a setting Cognito refuses, and changes nothing', async () => {
    const UserPoolId = await aPool();
    await expect(
      cognito.send(
        new UpdateUserPoolCommand({ UserPoolId, Policies: { PasswordPolicy: { MinimumLength: 4 } } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      cognito.send(new UpdateUserPoolCommand({ UserPoolId, MfaConfiguration: 'ON' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect((await describe_(UserPoolId))?.Policies?.PasswordPolicy?.MinimumLength).toBe(12);
  });
});

describe('custom attributes', () => {
  it('are added once, with their type and constraints, and never again under the same name', async () => {
    const UserPoolId = await aPool();
    await cognito.send(
      new AddCustomAttributesCommand({
        UserPoolId,
        CustomAttributes: [
          {
            Name: 'seats',
            AttributeDataType: 'Number',
            NumberAttributeConstraints: { MinValue: '1', MaxValue: '9' },
          },
          { Name: 'beta', AttributeDataType: 'Boolean' },
        ],
      }),
    );
    const schema = (await describe_(UserPoolId))?.SchemaAttributes ?? [];
    expect(schema.find((a) => a.Name === 'custom:seats')).toMatchObject({
      AttributeDataType: 'Number',
      NumberAttributeConstraints: { MinValue: '1', MaxValue: '9' },
      Mutable: true,
    });
    await expect(
      cognito.send(
        new AddCustomAttributesCommand({
          UserPoolId,
          CustomAttributes: [{ Name: 'seats', AttributeDataType: 'String' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'custom:seats: Existing attribute already has name custom:seats.',
    });
    await expect(
      cognito.send(
        new AddCustomAttributesCommand({
          UserPoolId,
          CustomAttributes: [{ Name: 'needed', AttributeDataType: 'String', Required: true }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('groups', () => {
  it('keep their role and precedence, refuse a second group of a name and a bad role, and are not found in a pool without groups', async () => {
    const UserPoolId = await aPool();
    await expect(cognito.send(new GetGroupCommand({ UserPoolId, GroupName: 'none' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await cognito.send(
      new CreateGroupCommand({
        UserPoolId,
        GroupName: 'admins',
        Precedence: 1,
        RoleArn: 'arn:aws:iam::123456789012:role/admins',
      }),
    );
    expect(
      (await cognito.send(new GetGroupCommand({ UserPoolId, GroupName: 'admins' }))).Group,
    ).toMatchObject({
      Precedence: 1,
      RoleArn: 'arn:aws:iam::123456789012:role/admins',
    });
    await expect(
      cognito.send(new CreateGroupCommand({ UserPoolId, GroupName: 'admins' })),
    ).rejects.toMatchObject({
      name: 'GroupExistsException',
    });
    await expect(
      cognito.send(new CreateGroupCommand({ UserPoolId, GroupName: 'bad-role', RoleArn: 'admins-role' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('app clients', () => {
  it('get every field with its default, and an update resets what it leaves out', async () => {
    const UserPoolId = await aPool();
    await cognito.send(
      new CreateResourceServerCommand({
        UserPoolId,
        Identifier: 'https://api.example.com',
        Name: 'api',
        Scopes: [{ ScopeName: 'read', ScopeDescription: 'read things' }],
      }),
    );
    const { UserPoolClient } = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId,
        ClientName: 'web',
        CallbackURLs: ['https://app.example.com/callback', 'http://localhost:3000/callback'],
        LogoutURLs: ['https://app.example.com/bye'],
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'https://api.example.com/read'],
        SupportedIdentityProviders: ['COGNITO'],
        AccessTokenValidity: 2,
        TokenValidityUnits: { AccessToken: 'hours' },
        WriteAttributes: ['email', 'custom:tier'],
      }),
    );
    const ClientId = String(UserPoolClient?.ClientId);
    const described = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId })))
      .UserPoolClient;
    expect(described).toMatchObject({
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'],
      AccessTokenValidity: 2,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'hours', IdToken: 'minutes', RefreshToken: 'days' },
      AllowedOAuthScopes: ['openid', 'https://api.example.com/read'],
      EnableTokenRevocation: true,
      AuthSessionValidity: 3,
      PreventUserExistenceErrors: 'LEGACY',
      WriteAttributes: ['email', 'custom:tier'],
    });
    expect(described?.ReadAttributes).toBeUndefined();
    await cognito.send(
      new UpdateUserPoolClientCommand({
        UserPoolId,
        ClientId,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      }),
    );
    const updated = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId })))
      .UserPoolClient;
    expect(updated).toMatchObject({
      ClientName: 'web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      AccessTokenValidity: 60,
    });
    expect(updated?.CallbackURLs).toBeUndefined();
    expect(updated?.WriteAttributes).toBeUndefined();
    // With no WriteAttributes the client writes the standard attributes only.
    await expect(
      cognito.send(
        new SignUpCommand({
          ClientId,
          Username: 'writer',
          Password: 'Pw-1-configured-pool',
          UserAttributes: [
            { Name: 'email', Value: 'writer@example.com' },
            { Name: 'custom:tier', Value: 'gold' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('refuses what Cognito refuses', async () => {
    const UserPoolId = await aPool();
    const create = (settings: Record<string, unknown>) =>
      cognito.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'refused', ...settings }));
    await expect(create({ CallbackURLs: ['http://app.example.com/cb'] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      create({
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        CallbackURLs: ['https://a.example.com'],
      }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    // OAuth settings on a client not allowed OAuth are kept as given, the flag left false.
    const kept = await create({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid'],
      CallbackURLs: ['https://a.example.com'],
    });
    expect(kept.UserPoolClient).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid'],
      AllowedOAuthFlowsUserPoolClient: false,
    });
    await expect(
      create({
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['https://nowhere/read'],
        CallbackURLs: ['https://a.example.com'],
      }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid scope requested: https://nowhere/read',
    });
    await expect(create({ SupportedIdentityProviders: ['Google'] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(create({ WriteAttributes: ['custom:nope'] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      create({ AccessTokenValidity: 2, TokenValidityUnits: { AccessToken: 'days' } }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
  it("keep a secret of the caller's own, which an update keeps; never beside GenerateSecret, nor malformed", async () => {
    const UserPoolId = await aPool();
    const secret = 'own_secret+of+thirty+two+chars00';
    const { UserPoolClient } = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'signed', ClientSecret: secret }),
    );
    expect(UserPoolClient?.ClientSecret).toBe(secret);
    await cognito.send(
      new UpdateUserPoolClientCommand({
        UserPoolId,
        ClientId: UserPoolClient?.ClientId,
        ClientName: 'signed',
      }),
    );
    const described = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId, ClientId: UserPoolClient?.ClientId }),
    );
    expect(described.UserPoolClient?.ClientSecret).toBe(secret);
    for (const refused of [
      { ClientSecret: secret, GenerateSecret: true },
      { ClientSecret: 'too-short' },
      { ClientSecret: 'has-hyphens-which-are-not-allowed' },
    ])
      await expect(
        cognito.send(new CreateUserPoolClientCommand({ UserPoolId, ClientName: 'refused', ...refused })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('resource servers', () => {
  it('are created, listed a page at a time, updated (scopes replaced) and deleted', async () => {
    const UserPoolId = await aPool();
    for (const id of ['https://a.example.com', 'https://b.example.com']) {
      await cognito.send(
        new CreateResourceServerCommand({
          UserPoolId,
          Identifier: id,
          Name: 'api',
          Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }],
        }),
      );
    }
    await expect(
      cognito.send(
        new CreateResourceServerCommand({ UserPoolId, Identifier: 'https://a.example.com', Name: 'again' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const first = await cognito.send(new ListResourceServersCommand({ UserPoolId, MaxResults: 1 }));
    const second = await cognito.send(
      new ListResourceServersCommand({ UserPoolId, MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(
      [...(first.ResourceServers ?? []), ...(second.ResourceServers ?? [])].map((s) => s.Identifier),
    ).toEqual(['https://a.example.com', 'https://b.example.com']);
    await cognito.send(
      new UpdateResourceServerCommand({ UserPoolId, Identifier: 'https://a.example.com', Name: 'renamed' }),
    );
    const updated = await cognito.send(
      new DescribeResourceServerCommand({ UserPoolId, Identifier: 'https://a.example.com' }),
    );
    expect(updated.ResourceServer).toMatchObject({ Name: 'renamed' });
    expect(updated.ResourceServer?.Scopes).toBeUndefined();
    await cognito.send(new DeleteResourceServerCommand({ UserPoolId, Identifier: 'https://a.example.com' }));
    await expect(
      cognito.send(new DescribeResourceServerCommand({ UserPoolId, Identifier: 'https://a.example.com' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('user pool domains', () => {
  it('are one prefix a pool, unique in the region, described and deleted, and shown by DescribeUserPool', async () => {
    const one = await aPool('one');
    const two = await aPool('two');
    await expect(
      cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: one, Domain: 'my-cognito-login' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: one, Domain: 'example-login' }));
    await expect(
      cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: two, Domain: 'example-login' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: one, Domain: 'example-login-2' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    expect((await describe_(one))?.Domain).toBe('example-login');
    const described = await cognito.send(new DescribeUserPoolDomainCommand({ Domain: 'example-login' }));
    expect(described.DomainDescription).toMatchObject({
      UserPoolId: one,
      Domain: 'example-login',
      Status: 'ACTIVE',
    });
    await cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId: one, Domain: 'example-login' }));
    expect(
      (await cognito.send(new DescribeUserPoolDomainCommand({ Domain: 'example-login' }))).DomainDescription,
    ).toEqual({});
    expect((await describe_(one))?.Domain).toBeUndefined();
  });
});
