// An in-memory Cognito region for configuration calls, with the rules that make mirroring hard: UpdateUserPool and
// UpdateUserPoolClient reset whatever they are not given, custom attributes can be added but never changed, an app
// client may only name attributes, providers and scopes the pool has, and a provider cannot be created without its
// secret. Tests read its state back and its log of writes, so a core that forgets a setting loses it here too.
import type {
  GroupType,
  IdentityProviderType,
  ResourceServerType,
  SchemaAttributeType,
  UpdateUserPoolRequest,
  UserPoolClientType,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ConfigurationApi, MfaSettings } from '../pool-configuration-api';

class FakeAwsError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new FakeAwsError('InvalidParameterException', message);
const notFound = (message: string) => new FakeAwsError('ResourceNotFoundException', message);

/** What UpdateUserPool takes; anything else in a request is refused, as the SDK's validation would. */
const UPDATE_KEYS = new Set<string>([
  'UserPoolId',
  'PoolName',
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'UserPoolTier',
  'KeyConfiguration',
  'IssuerConfiguration',
]);

/** What each setting becomes when UpdateUserPool is not given it. */
const POOL_DEFAULTS: Partial<UserPoolType> = {
  Policies: {
    PasswordPolicy: {
      MinimumLength: 8,
      RequireUppercase: true,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 7,
    },
  },
  DeletionProtection: 'INACTIVE',
  LambdaConfig: {},
  MfaConfiguration: 'OFF',
  VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
  EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
  AccountRecoverySetting: {
    RecoveryMechanisms: [
      { Name: 'verified_email', Priority: 1 },
      { Name: 'verified_phone_number', Priority: 2 },
    ],
  },
  UserPoolTier: 'ESSENTIALS',
};

const CLIENT_KEYS = [
  'RefreshTokenValidity',
  'AccessTokenValidity',
  'IdTokenValidity',
  'TokenValidityUnits',
  'ReadAttributes',
  'WriteAttributes',
  'ExplicitAuthFlows',
  'SupportedIdentityProviders',
  'CallbackURLs',
  'LogoutURLs',
  'DefaultRedirectURI',
  'AllowedOAuthFlows',
  'AllowedOAuthScopes',
  'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration',
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'AuthSessionValidity',
  'RefreshTokenRotation',
] as const;

const CLIENT_DEFAULTS: Partial<UserPoolClientType> = {
  RefreshTokenValidity: 30,
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  AllowedOAuthFlowsUserPoolClient: false,
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 3,
  PreventUserExistenceErrors: 'ENABLED',
};

/** The provider details that are credentials, which Cognito may not show and needs to create a provider. */
const SECRET_KEYS: Record<string, readonly string[]> = {
  Google: ['client_secret'],
  LoginWithAmazon: ['client_secret'],
  Facebook: ['client_secret'],
  SignInWithApple: ['private_key'],
  OIDC: ['client_secret'],
};

const STANDARD_SCOPES = new Set(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']);

/** What DescribeIdentityProvider adds to the details it was given (URLs Cognito works out for itself). */
const DERIVED_DETAILS: Record<string, Record<string, string>> = {
  Google: {
    authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
    token_url: 'https://www.googleapis.com/oauth2/v4/token',
    attributes_url: 'https://people.googleapis.com/v1/people/me?personFields=',
    attributes_url_add_attributes: 'true',
    oidc_issuer: 'https://accounts.google.com',
    token_request_method: 'POST',
  },
  SAML: {
    SLORedirectBindingURI: 'https://idp.example.com/slo',
    SSORedirectBindingURI: 'https://idp.example.com/sso',
  },
};

interface FakePool {
  pool: UserPoolType;
  mfa: MfaSettings;
  clients: Map<string, UserPoolClientType>;
  groups: Map<string, GroupType>;
  resourceServers: Map<string, ResourceServerType>;
  providers: Map<string, IdentityProviderType>;
}

export interface FakePoolSeed {
  userPoolId: string;
  pool?: Partial<UserPoolType>;
  mfa?: MfaSettings;
  clients?: Partial<UserPoolClientType>[];
  groups?: GroupType[];
  resourceServers?: ResourceServerType[];
  providers?: IdentityProviderType[];
}

const STANDARD_SCHEMA: SchemaAttributeType[] = [
  'sub',
  'name',
  'given_name',
  'family_name',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'preferred_username',
  'updated_at',
].map((Name) => ({
  Name,
  AttributeDataType: Name.endsWith('_verified') ? 'Boolean' : Name === 'updated_at' ? 'Number' : 'String',
  Mutable: Name !== 'sub',
  Required: Name === 'sub',
  DeveloperOnlyAttribute: false,
}));

export const standardSchema = (
  overrides: Record<string, Partial<SchemaAttributeType>> = {},
): SchemaAttributeType[] =>
  STANDARD_SCHEMA.map((attribute) => ({ ...attribute, ...(overrides[attribute.Name ?? ''] ?? {}) }));

const clone = <T>(value: T): T => structuredClone(value);
let clientCounter = 0;

export class FakeCognitoConfiguration implements ConfigurationApi {
  private readonly pools = new Map<string, FakePool>();
  /** Prefix domains taken in this region, by any pool. */
  private readonly domains = new Map<string, string>();
  /** Every write, in order: the operation and its input. */
  readonly writes: { op: string; input: unknown }[] = [];
  /** Set by a test: the next call of this operation fails with this error (once). */
  private failures = new Map<string, Error>();

  constructor(private readonly options: { exposesProviderSecrets?: boolean } = {}) {}

  seed(seed: FakePoolSeed): this {
    const pool: UserPoolType = {
      ...clone(POOL_DEFAULTS),
      SchemaAttributes: standardSchema(),
      UsernameConfiguration: { CaseSensitive: false },
      ...clone(seed.pool ?? {}),
      Id: seed.userPoolId,
      Arn: `arn:aws:cognito-idp:region:123456789012:userpool/${seed.userPoolId}`,
    };
    const fake: FakePool = {
      pool,
      mfa: clone(seed.mfa ?? { MfaConfiguration: pool.MfaConfiguration ?? 'OFF' }),
      clients: new Map(),
      groups: new Map(
        (seed.groups ?? []).map((g) => [g.GroupName ?? '', { ...clone(g), UserPoolId: seed.userPoolId }]),
      ),
      resourceServers: new Map((seed.resourceServers ?? []).map((r) => [r.Identifier ?? '', clone(r)])),
      providers: new Map((seed.providers ?? []).map((p) => [p.ProviderName ?? '', clone(p)])),
    };
    for (const client of seed.clients ?? []) {
      const ClientId = client.ClientId ?? `client${++clientCounter}`;
      fake.clients.set(ClientId, {
        ...clone(CLIENT_DEFAULTS),
        ...clone(client),
        ClientId,
        UserPoolId: seed.userPoolId,
      });
    }
    if (pool.Domain) this.domains.set(pool.Domain, seed.userPoolId);
    this.pools.set(seed.userPoolId, fake);
    return this;
  }

  /** A domain another pool of the region already holds. */
  takeDomain(domain: string): this {
    this.domains.set(domain, 'someone-else');
    return this;
  }

  failNext(
    op: keyof ConfigurationApi,
    error: Error = new FakeAwsError('InternalErrorException', 'injected'),
  ) {
    this.failures.set(op, error);
  }

  state(userPoolId: string): FakePool {
    return this.get(userPoolId);
  }

  private get(userPoolId: string | undefined): FakePool {
    const pool = this.pools.get(userPoolId ?? '');
    if (!pool) throw notFound(`User pool ${userPoolId} does not exist.`);
    return pool;
  }

  private call(op: keyof ConfigurationApi, input: unknown, write: boolean) {
    const failure = this.failures.get(op);
    if (failure) {
      this.failures.delete(op);
      throw failure;
    }
    if (write) this.writes.push({ op, input: clone(input) });
  }

  private attributeNames(fake: FakePool): Set<string> {
    return new Set((fake.pool.SchemaAttributes ?? []).map((a) => a.Name ?? ''));
  }

  private checkClient(fake: FakePool, client: Partial<UserPoolClientType>) {
    const names = this.attributeNames(fake);
    for (const key of ['ReadAttributes', 'WriteAttributes'] as const) {
      for (const name of client[key] ?? []) {
        if (!names.has(name)) throw invalid(`Invalid ${key}: ${name} is not an attribute of the pool`);
      }
    }
    for (const name of client.WriteAttributes ?? []) {
      const attribute = (fake.pool.SchemaAttributes ?? []).find((a) => a.Name === name);
      if (attribute?.Mutable === false || name.endsWith('_verified')) {
        throw invalid(`Invalid write attributes specified: ${name}`);
      }
    }
    for (const provider of client.SupportedIdentityProviders ?? []) {
      if (provider !== 'COGNITO' && !fake.providers.has(provider)) {
        throw invalid(`The provider ${provider} does not exist for User Pool ${fake.pool.Id}`);
      }
    }
    const scopes = new Set(STANDARD_SCOPES);
    for (const server of fake.resourceServers.values()) {
      for (const scope of server.Scopes ?? []) scopes.add(`${server.Identifier}/${scope.ScopeName}`);
    }
    for (const scope of client.AllowedOAuthScopes ?? []) {
      if (!scopes.has(scope))
        throw new FakeAwsError('ScopeDoesNotExistException', `Invalid scope requested: ${scope}`);
    }
  }

  async describeUserPool({ UserPoolId }: { UserPoolId: string | undefined }) {
    this.call('describeUserPool', {}, false);
    return { UserPool: clone(this.get(UserPoolId).pool) };
  }

  async updateUserPool(input: UpdateUserPoolRequest) {
    this.call('updateUserPool', input, true);
    const fake = this.get(input.UserPoolId);
    for (const key of Object.keys(input)) {
      if (!UPDATE_KEYS.has(key)) throw new FakeAwsError('SerializationException', `Unknown field ${key}`);
    }
    if (
      input.AdminCreateUserConfig?.UnusedAccountValidityDays !== undefined &&
      input.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays !== undefined
    ) {
      throw invalid(
        'Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays',
      );
    }
    const old = fake.pool;
    const next: UserPoolType = {
      Id: old.Id,
      Arn: old.Arn,
      Name: input.PoolName ?? old.Name,
      SchemaAttributes: old.SchemaAttributes,
      UsernameAttributes: old.UsernameAttributes,
      AliasAttributes: old.AliasAttributes,
      UsernameConfiguration: old.UsernameConfiguration,
      Domain: old.Domain,
      CustomDomain: old.CustomDomain,
      EstimatedNumberOfUsers: old.EstimatedNumberOfUsers,
      ...clone(POOL_DEFAULTS),
    };
    for (const [key, value] of Object.entries(input)) {
      if (key !== 'UserPoolId' && key !== 'PoolName') (next as Record<string, unknown>)[key] = clone(value);
    }
    fake.pool = next;
    fake.mfa.MfaConfiguration = next.MfaConfiguration;
    return {};
  }

  async getUserPoolMfaConfig({ UserPoolId }: { UserPoolId: string | undefined }) {
    this.call('getUserPoolMfaConfig', {}, false);
    return clone(this.get(UserPoolId).mfa);
  }

  async setUserPoolMfaConfig(input: { UserPoolId: string | undefined } & MfaSettings) {
    this.call('setUserPoolMfaConfig', input, true);
    const fake = this.get(input.UserPoolId);
    const { UserPoolId: _, ...settings } = input;
    const anyFactor =
      settings.SoftwareTokenMfaConfiguration?.Enabled ||
      settings.SmsMfaConfiguration !== undefined ||
      settings.EmailMfaConfiguration !== undefined;
    if (settings.MfaConfiguration && settings.MfaConfiguration !== 'OFF' && !anyFactor) {
      throw invalid('At least one MFA method must be enabled to turn MFA on');
    }
    if (
      settings.SmsMfaConfiguration &&
      !settings.SmsMfaConfiguration.SmsConfiguration &&
      !fake.pool.SmsConfiguration
    ) {
      throw invalid('SMS configuration is required for SMS MFA');
    }
    if (settings.EmailMfaConfiguration && fake.pool.EmailConfiguration?.EmailSendingAccount !== 'DEVELOPER') {
      throw invalid(
        'Email MFA requires the user pool to send email with Amazon SES (EmailSendingAccount DEVELOPER)',
      );
    }
    fake.mfa = clone(settings);
    fake.pool.MfaConfiguration = settings.MfaConfiguration ?? 'OFF';
    if (settings.SmsMfaConfiguration?.SmsConfiguration) {
      fake.pool.SmsConfiguration = clone(settings.SmsMfaConfiguration.SmsConfiguration);
    }
    return {};
  }

  async addCustomAttributes(input: {
    UserPoolId: string | undefined;
    CustomAttributes: SchemaAttributeType[] | undefined;
  }) {
    this.call('addCustomAttributes', input, true);
    const fake = this.get(input.UserPoolId);
    const names = this.attributeNames(fake);
    for (const attribute of input.CustomAttributes ?? []) {
      if (/^(dev:)?custom:/.test(attribute.Name ?? '')) {
        throw invalid(`${attribute.Name}: Cognito adds the custom: prefix itself`);
      }
      const name = `${attribute.DeveloperOnlyAttribute ? 'dev:' : ''}custom:${attribute.Name}`;
      if (names.has(name)) throw invalid(`Existing attribute already has name ${name}.`);
      if (!attribute.AttributeDataType) throw invalid(`${name}: AttributeDataType is required`);
      fake.pool.SchemaAttributes = [
        ...(fake.pool.SchemaAttributes ?? []),
        { DeveloperOnlyAttribute: false, Mutable: true, Required: false, ...clone(attribute), Name: name },
      ];
    }
    return {};
  }

  async listUserPoolClients(input: {
    UserPoolId: string | undefined;
    MaxResults?: number;
    NextToken?: string;
  }) {
    this.call('listUserPoolClients', {}, false);
    if ((input.MaxResults ?? 0) > 60) throw invalid('MaxResults must be at most 60');
    const all = [...this.get(input.UserPoolId).clients.values()];
    const start = Number(input.NextToken ?? 0);
    const size = Math.min(input.MaxResults ?? 60, 2); // small pages, so paging is exercised
    const page = all.slice(start, start + size);
    return {
      UserPoolClients: page.map((c) => ({
        ClientId: c.ClientId,
        ClientName: c.ClientName,
        UserPoolId: c.UserPoolId,
      })),
      NextToken: start + size < all.length ? String(start + size) : undefined,
    };
  }

  async describeUserPoolClient(input: { UserPoolId: string | undefined; ClientId: string | undefined }) {
    this.call('describeUserPoolClient', {}, false);
    const client = this.get(input.UserPoolId).clients.get(input.ClientId ?? '');
    if (!client) throw notFound(`Client ${input.ClientId} does not exist.`);
    return { UserPoolClient: clone(client) };
  }

  async createUserPoolClient(input: Partial<UserPoolClientType> & { GenerateSecret?: boolean }) {
    this.call('createUserPoolClient', input, true);
    const fake = this.get(input.UserPoolId);
    if (input.GenerateSecret && input.ClientSecret)
      throw invalid('GenerateSecret and ClientSecret are exclusive');
    this.checkClient(fake, input);
    const ClientId = `client${++clientCounter}`;
    const { GenerateSecret, ...rest } = input;
    const client: UserPoolClientType = {
      ...clone(CLIENT_DEFAULTS),
      ...clone(rest),
      ClientId,
      ClientSecret: input.ClientSecret ?? (GenerateSecret ? `generated-${ClientId}` : undefined),
    };
    fake.clients.set(ClientId, client);
    return { UserPoolClient: clone(client) };
  }

  async updateUserPoolClient(input: Partial<UserPoolClientType>) {
    this.call('updateUserPoolClient', input, true);
    const fake = this.get(input.UserPoolId);
    const old = fake.clients.get(input.ClientId ?? '');
    if (!old) throw notFound(`Client ${input.ClientId} does not exist.`);
    if ('ClientSecret' in input)
      throw new FakeAwsError('SerializationException', 'Unknown field ClientSecret');
    this.checkClient(fake, input);
    const next: UserPoolClientType = {
      UserPoolId: old.UserPoolId,
      ClientId: old.ClientId,
      ClientSecret: old.ClientSecret,
      ClientName: input.ClientName ?? old.ClientName,
      ...clone(CLIENT_DEFAULTS),
    };
    for (const key of CLIENT_KEYS) {
      if (input[key] !== undefined) (next as Record<string, unknown>)[key] = clone(input[key]);
    }
    fake.clients.set(old.ClientId ?? '', next);
    return {};
  }

  async listGroups(input: { UserPoolId: string | undefined; Limit?: number; NextToken?: string }) {
    this.call('listGroups', {}, false);
    if ((input.Limit ?? 0) > 60) throw invalid('Limit must be at most 60');
    const all = [...this.get(input.UserPoolId).groups.values()];
    const start = Number(input.NextToken ?? 0);
    const page = all.slice(start, start + 2);
    return { Groups: clone(page), NextToken: start + 2 < all.length ? String(start + 2) : undefined };
  }

  async createGroup(input: GroupType) {
    this.call('createGroup', input, true);
    const fake = this.get(input.UserPoolId);
    if (fake.groups.has(input.GroupName ?? ''))
      throw new FakeAwsError('GroupExistsException', 'A group with the name already exists.');
    fake.groups.set(input.GroupName ?? '', clone(input));
    return {};
  }

  async updateGroup(input: GroupType) {
    this.call('updateGroup', input, true);
    const fake = this.get(input.UserPoolId);
    if (!fake.groups.has(input.GroupName ?? '')) throw notFound('Group not found.');
    fake.groups.set(input.GroupName ?? '', clone(input));
    return {};
  }

  async listResourceServers(input: {
    UserPoolId: string | undefined;
    MaxResults?: number;
    NextToken?: string;
  }) {
    this.call('listResourceServers', {}, false);
    if (!input.MaxResults || input.MaxResults > 50) throw invalid('MaxResults is required, at most 50');
    const all = [...this.get(input.UserPoolId).resourceServers.values()];
    const start = Number(input.NextToken ?? 0);
    const page = all.slice(start, start + 2);
    return {
      ResourceServers: clone(page),
      NextToken: start + 2 < all.length ? String(start + 2) : undefined,
    };
  }

  async createResourceServer(input: ResourceServerType) {
    this.call('createResourceServer', input, true);
    const fake = this.get(input.UserPoolId);
    if (fake.resourceServers.has(input.Identifier ?? '')) throw invalid('Resource server already exists');
    fake.resourceServers.set(input.Identifier ?? '', clone(input));
    return {};
  }

  async updateResourceServer(input: ResourceServerType) {
    this.call('updateResourceServer', input, true);
    const fake = this.get(input.UserPoolId);
    if (!fake.resourceServers.has(input.Identifier ?? '')) throw notFound('Resource server not found');
    fake.resourceServers.set(input.Identifier ?? '', clone(input));
    return {};
  }

  async listIdentityProviders(input: {
    UserPoolId: string | undefined;
    MaxResults?: number;
    NextToken?: string;
  }) {
    this.call('listIdentityProviders', {}, false);
    const all = [...this.get(input.UserPoolId).providers.values()];
    const start = Number(input.NextToken ?? 0);
    const page = all.slice(start, start + 2);
    return {
      Providers: page.map((p) => ({ ProviderName: p.ProviderName, ProviderType: p.ProviderType })),
      NextToken: start + 2 < all.length ? String(start + 2) : undefined,
    };
  }

  async describeIdentityProvider(input: {
    UserPoolId: string | undefined;
    ProviderName: string | undefined;
  }) {
    this.call('describeIdentityProvider', {}, false);
    const provider = this.get(input.UserPoolId).providers.get(input.ProviderName ?? '');
    if (!provider) throw notFound('Identity provider not found');
    const shown = clone(provider);
    const type = shown.ProviderType ?? '';
    shown.ProviderDetails = { ...(DERIVED_DETAILS[type] ?? {}), ...shown.ProviderDetails };
    if (!this.options.exposesProviderSecrets) {
      for (const key of SECRET_KEYS[type] ?? []) delete shown.ProviderDetails[key];
    }
    return { IdentityProvider: shown };
  }

  private checkProvider(provider: IdentityProviderType) {
    const type = provider.ProviderType ?? '';
    for (const key of SECRET_KEYS[type] ?? []) {
      if (!provider.ProviderDetails?.[key]) throw invalid(`${key} is required for ${type} providers`);
    }
    for (const key of Object.keys(DERIVED_DETAILS[type] ?? {})) {
      if (type === 'SAML' && key in (provider.ProviderDetails ?? {})) throw invalid(`${key} cannot be set`);
    }
  }

  async createIdentityProvider(input: IdentityProviderType) {
    this.call('createIdentityProvider', input, true);
    const fake = this.get(input.UserPoolId);
    if (fake.providers.has(input.ProviderName ?? ''))
      throw new FakeAwsError('DuplicateProviderException', 'exists');
    this.checkProvider(input);
    fake.providers.set(input.ProviderName ?? '', clone(input));
    return {};
  }

  async updateIdentityProvider(input: IdentityProviderType) {
    this.call('updateIdentityProvider', input, true);
    const fake = this.get(input.UserPoolId);
    const old = fake.providers.get(input.ProviderName ?? '');
    if (!old) throw notFound('Identity provider not found');
    const next = { ...old, ...clone(input), ProviderType: old.ProviderType };
    this.checkProvider(next);
    fake.providers.set(input.ProviderName ?? '', next);
    return {};
  }

  async createUserPoolDomain(input: { UserPoolId: string | undefined; Domain: string | undefined }) {
    this.call('createUserPoolDomain', input, true);
    const fake = this.get(input.UserPoolId);
    if (fake.pool.Domain) throw invalid('The user pool already has a domain.');
    if (this.domains.has(input.Domain ?? ''))
      throw invalid('Domain already associated with another user pool.');
    this.domains.set(input.Domain ?? '', input.UserPoolId ?? '');
    fake.pool.Domain = input.Domain;
    return {};
  }
}
