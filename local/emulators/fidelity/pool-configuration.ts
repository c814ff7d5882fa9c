// LOCAL ONLY: a pool's configuration as `cognito-dr mirror` reads and writes it, where cognito-local differs from
// Cognito: DescribeUserPool reports every setting (its defaults, the user count, the domain); UpdateUserPool sets
// every setting, returning what a call leaves out to its default (the well-known trap); AddCustomAttributes and
// groups are validated as Cognito validates them; app clients are created, updated (again: left out is default)
// and described with every field and Cognito's checks; resource servers and user pool domains exist. Rules from
// the API reference of each operation.
import type {
  CognitoLocalErrors,
  CognitoLocalServices,
  Ctx,
  LocalUser,
  PoolOptions,
  Request,
  UserPool,
  Wrapper,
} from './cognito-local';

type Json = Record<string, unknown>;

/** What UpdateUserPool sets when a call leaves the setting out (Cognito: "sets it to its default value"). */
export const UPDATE_USER_POOL_DEFAULTS: Json = {
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
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
  VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
  EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT' },
  MfaConfiguration: 'OFF',
  LambdaConfig: {},
  DeletionProtection: 'INACTIVE',
};
/** The settings UpdateUserPool takes; everything else about a pool stays as it was. */
export const UPDATABLE_SETTINGS = [
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
  'PoolName',
  'UserPoolTier',
] as const;

/** Standard attributes an app client may read and write when it names none (API reference, WriteAttributes). */
export const STANDARD_ATTRIBUTES = [
  'address',
  'birthdate',
  'email',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
];
const STANDARD_SCOPES = ['phone', 'email', 'openid', 'profile', 'aws.cognito.signin.user.admin'];
const AUTH_FLOWS = [
  'ADMIN_NO_SRP_AUTH',
  'CUSTOM_AUTH_FLOW_ONLY',
  'USER_PASSWORD_AUTH',
  'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  'ALLOW_CUSTOM_AUTH',
  'ALLOW_USER_PASSWORD_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_USER_AUTH',
];
const DEFAULT_AUTH_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];
/** Token lifetimes Cognito accepts, in seconds (API reference, CreateUserPoolClient). */
const VALIDITY_RANGE_S = {
  AccessToken: [5 * 60, 24 * 3600],
  IdToken: [5 * 60, 24 * 3600],
  RefreshToken: [60 * 60, 3650 * 24 * 3600],
} as const;
const UNIT_S: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
/** The most custom attributes a pool can have. */
export const MAX_CUSTOM_ATTRIBUTES = 50;
const RESOURCE_SERVERS_KEY = 'ResourceServers';
/** Words Cognito refuses in a domain prefix. */
const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'];

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

export function poolConfiguration(
  services: Pick<CognitoLocalServices, 'cognito' | 'clock'>,
  errors: CognitoLocalErrors,
): Record<string, Wrapper> {
  const { cognito, clock } = services;
  const invalid = (message: string) => new errors.InvalidParameterError(message);
  const notFound = (message: string) => new errors.CognitoError('ResourceNotFoundException', message);
  const poolOf = (ctx: Ctx, req: Request) => cognito.getUserPool(ctx, String(req.UserPoolId));

  // --- the pool itself ---
  const userCount = async (ctx: Ctx, pool: UserPool) =>
    Object.keys((await pool.dataStore.get<Record<string, LocalUser>>(ctx, 'Users', {})) ?? {}).length;

  const describe: Wrapper = (target) => async (ctx, req) => {
    const pool = await poolOf(ctx, req);
    const described = (await target(ctx, req)) as { UserPool: Json };
    const options = pool.options as Json;
    return {
      UserPool: {
        ...UPDATE_USER_POOL_DEFAULTS,
        ...Object.fromEntries(Object.entries(described.UserPool).filter(([, value]) => value !== undefined)),
        DeletionProtection: options.DeletionProtection ?? 'INACTIVE',
        UserPoolTier: options.UserPoolTier ?? 'ESSENTIALS',
        ...(options.UserAttributeUpdateSettings
          ? { UserAttributeUpdateSettings: options.UserAttributeUpdateSettings }
          : {}),
        EstimatedNumberOfUsers: await userCount(ctx, pool),
      },
    };
  };

  const update: Wrapper = () => async (ctx, req) => {
    const pool = await poolOf(ctx, req);
    const options = pool.options as Json;
    const policy = (req.Policies as { PasswordPolicy?: Json } | undefined)?.PasswordPolicy;
    if (policy?.MinimumLength !== undefined) {
      const length = Number(policy.MinimumLength);
      if (!Number.isInteger(length) || length < 6 || length > 99)
        throw invalid('PasswordPolicy.MinimumLength: 6 to 99');
    }
    for (const attribute of (req.AutoVerifiedAttributes as string[] | undefined) ?? []) {
      if (attribute !== 'email' && attribute !== 'phone_number')
        throw invalid(`AutoVerifiedAttributes: ${attribute} cannot be verified (email or phone_number only)`);
    }
    const template = req.VerificationMessageTemplate as Json | undefined;
    if (template?.EmailMessage !== undefined && !String(template.EmailMessage).includes('{####}'))
      throw invalid('VerificationMessageTemplate.EmailMessage: the message must contain {####}');
    if (template?.SmsMessage !== undefined && !String(template.SmsMessage).includes('{####}'))
      throw invalid('VerificationMessageTemplate.SmsMessage: the message must contain {####}');
    const mode = (req.MfaConfiguration as string | undefined) ?? 'OFF';
    const sms = (req.SmsConfiguration as Json | undefined) ?? undefined;
    const factors =
      Boolean(options.SmsMfaEnabled) ||
      Boolean((options.SoftwareTokenMfaConfiguration as Json)?.Enabled) ||
      Boolean(options.EmailMfaConfiguration);
    if (mode !== 'OFF' && !factors && !sms?.SnsCallerArn)
      throw invalid(
        'MfaConfiguration: ON or OPTIONAL needs an MFA factor; enable one with SetUserPoolMfaConfig or give SmsConfiguration',
      );
    const settings: Json = {};
    for (const name of UPDATABLE_SETTINGS) {
      if (name === 'PoolName' || name === 'UserPoolTags' || name === 'UserPoolTier') continue;
      settings[name] = req[name] ?? UPDATE_USER_POOL_DEFAULTS[name];
    }
    await pool.updateOptions(ctx, {
      ...(Object.fromEntries(
        Object.entries(options).filter(([key]) => !(UPDATABLE_SETTINGS as readonly string[]).includes(key)),
      ) as PoolOptions),
      ...(settings as Partial<PoolOptions>),
      // Kept unless given: the pool's name, its tags and its feature plan.
      Name: req.PoolName ?? options.Name,
      UserPoolTags: req.UserPoolTags ?? options.UserPoolTags,
      UserPoolTier: req.UserPoolTier ?? options.UserPoolTier,
      SmsMfaEnabled: Boolean(options.SmsMfaEnabled) || (mode !== 'OFF' && !factors),
      Id: pool.options.Id,
      LastModifiedDate: clock.get(),
    } as PoolOptions);
    return {};
  };

  const addCustomAttributes: Wrapper = () => async (ctx, req) => {
    const pool = await poolOf(ctx, req);
    const requested = (req.CustomAttributes as Json[] | undefined) ?? [];
    if (requested.length < 1 || requested.length > 25)
      throw invalid('CustomAttributes: 1 to 25 attributes a call');
    const schema = (pool.options.SchemaAttributes as Json[] | undefined) ?? [];
    const existing = schema.filter(
      (a) => String(a.Name).startsWith('custom:') || String(a.Name).startsWith('dev:custom:'),
    );
    if (existing.length + requested.length > MAX_CUSTOM_ATTRIBUTES)
      throw new errors.CognitoError(
        'LimitExceededException',
        `A user pool has at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`,
      );
    const added: Json[] = [];
    for (const attribute of requested) {
      const bare = String(attribute.Name ?? '');
      if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$/u.test(bare))
        throw invalid(`${bare}: a custom attribute name is 1 to 20 characters without spaces`);
      const name = `custom:${bare}`;
      // A custom attribute's type and constraints are set once: there is no call that changes them.
      if (schema.some((a) => a.Name === name) || added.some((a) => a.Name === name))
        throw invalid(`${name}: Existing attribute already has name ${name}.`);
      const type = (attribute.AttributeDataType as string | undefined) ?? 'String';
      if (!['String', 'Number', 'DateTime', 'Boolean'].includes(type))
        throw invalid(`${name}: AttributeDataType must be String, Number, DateTime or Boolean`);
      if (attribute.Required === true)
        throw invalid(`${name}: Required custom attributes are not supported currently.`);
      const strings = attribute.StringAttributeConstraints as Json | undefined;
      if (strings && type !== 'String')
        throw invalid(`${name}: StringAttributeConstraints apply to String attributes only`);
      const numbers = attribute.NumberAttributeConstraints as Json | undefined;
      if (numbers && type !== 'Number')
        throw invalid(`${name}: NumberAttributeConstraints apply to Number attributes only`);
      if (strings?.MaxLength !== undefined && Number(strings.MaxLength) > 2048)
        throw invalid(`${name}: MaxLength is at most 2048`);
      added.push({
        Name: name,
        AttributeDataType: type,
        DeveloperOnlyAttribute: attribute.DeveloperOnlyAttribute ?? false,
        Mutable: attribute.Mutable ?? true,
        Required: false,
        ...(type === 'String' ? { StringAttributeConstraints: strings ?? {} } : {}),
        ...(type === 'Number' ? { NumberAttributeConstraints: numbers ?? {} } : {}),
      });
    }
    await pool.updateOptions(ctx, {
      ...pool.options,
      SchemaAttributes: [...schema, ...added],
      LastModifiedDate: clock.get(),
    } as PoolOptions);
    return {};
  };

  // --- groups ---
  /** A pool that never had a group has no group table; cognito-local then fails internally instead of "not found". */
  const withGroupTable = async (ctx: Ctx, pool: UserPool) => {
    if ((await pool.dataStore.get(ctx, 'Groups')) === null) await pool.dataStore.set(ctx, 'Groups', {});
  };
  const validateGroup = (req: Request) => {
    const name = String(req.GroupName ?? '');
    if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(name))
      throw invalid('GroupName: 1 to 128 characters without spaces');
    if (req.Precedence !== undefined && (!Number.isInteger(req.Precedence) || Number(req.Precedence) < 0))
      throw invalid('Precedence: a whole number, 0 or more');
    if (
      req.RoleArn !== undefined &&
      !/^arn:[\w+=/,.@-]+:iam::\d{12}:role\/[\w+=/,.@-]+$/.test(String(req.RoleArn))
    )
      throw invalid('RoleArn: an IAM role ARN (arn:aws:iam::<account>:role/<name>)');
    if (req.Description !== undefined && String(req.Description).length > 2048)
      throw invalid('Description: at most 2048 characters');
  };
  const groups: Record<string, Wrapper> = {
    CreateGroup: (target) => async (ctx, req) => {
      validateGroup(req);
      const pool = await poolOf(ctx, req);
      await withGroupTable(ctx, pool);
      if (await pool.dataStore.get(ctx, ['Groups', String(req.GroupName)]))
        throw new errors.CognitoError('GroupExistsException', 'A group with the name already exists.');
      return target(ctx, req);
    },
    UpdateGroup: (target) => async (ctx, req) => {
      validateGroup(req);
      await withGroupTable(ctx, await poolOf(ctx, req));
      return target(ctx, req);
    },
  };
  for (const name of [
    'GetGroup',
    'DeleteGroup',
    'ListGroups',
    'AdminAddUserToGroup',
    'AdminRemoveUserFromGroup',
    'ListUsersInGroup',
  ]) {
    groups[name] = (target) => async (ctx, req) => {
      await withGroupTable(ctx, await poolOf(ctx, req));
      return target(ctx, req);
    };
  }

  // --- app clients ---
  const resourceServersOf = async (ctx: Ctx, pool: UserPool) =>
    (await pool.dataStore.get<Record<string, Json>>(ctx, RESOURCE_SERVERS_KEY, {})) ?? {};
  const identityProviderNames = async (ctx: Ctx, pool: UserPool) =>
    Object.keys((await pool.dataStore.get<Record<string, Json>>(ctx, 'IdentityProviders', {})) ?? {});
  const schemaNames = (pool: UserPool) =>
    ((pool.options.SchemaAttributes as Json[] | undefined) ?? []).map((a) => String(a.Name));

  /** The client a create or update request describes, every setting it leaves out at its default. */
  const clientSettings = async (ctx: Ctx, pool: UserPool, req: Request): Promise<Json> => {
    const name = String(req.ClientName ?? '');
    if (!/^[\w\s+=,.@-]{1,128}$/.test(name))
      throw invalid('ClientName: 1 to 128 letters, digits, spaces or +=,.@_-');
    const flows = (req.ExplicitAuthFlows as string[] | undefined) ?? DEFAULT_AUTH_FLOWS;
    for (const flow of flows)
      if (!AUTH_FLOWS.includes(flow)) throw invalid(`ExplicitAuthFlows: unknown flow ${flow}`);
    const legacy = flows.filter((f) => !f.startsWith('ALLOW_'));
    if (legacy.length > 0 && legacy.length < flows.length)
      throw invalid('ExplicitAuthFlows: legacy flows and ALLOW_ flows cannot be combined');
    const units = {
      AccessToken: 'hours',
      IdToken: 'hours',
      RefreshToken: 'days',
      ...((req.TokenValidityUnits as Json | undefined) ?? {}),
    } as Record<string, string>;
    const validity = (key: 'AccessToken' | 'IdToken' | 'RefreshToken', fallback: [number, string]) => {
      const given = req[`${key}Validity`] as number | undefined;
      // A refresh token validity of 0 is taken as the default (API reference).
      const [value, unit] =
        given === undefined || (key === 'RefreshToken' && given === 0)
          ? fallback
          : [given, units[key] ?? 'hours'];
      const seconds = value * (UNIT_S[unit] ?? Number.NaN);
      const [min, max] = VALIDITY_RANGE_S[key];
      if (!(seconds >= min && seconds <= max))
        throw invalid(`${key}Validity: between ${min} and ${max} seconds`);
      return [value, unit] as const;
    };
    const [access, accessUnit] = validity('AccessToken', [60, 'minutes']);
    const [id, idUnit] = validity('IdToken', [60, 'minutes']);
    const [refresh, refreshUnit] = validity('RefreshToken', [30, 'days']);
    const session = (req.AuthSessionValidity as number | undefined) ?? 3;
    if (!Number.isInteger(session) || session < 3 || session > 15)
      throw invalid('AuthSessionValidity: 3 to 15 minutes');
    const schema = schemaNames(pool);
    const read = req.ReadAttributes as string[] | undefined;
    for (const attribute of read ?? []) {
      if (!schema.includes(attribute) && !['email_verified', 'phone_number_verified'].includes(attribute))
        throw invalid('Invalid read attributes specified while creating a client');
    }
    const write = req.WriteAttributes as string[] | undefined;
    for (const attribute of write ?? []) {
      if (!schema.includes(attribute) || attribute === 'sub')
        throw invalid('Invalid write attributes specified while creating a client');
    }
    const providers = (req.SupportedIdentityProviders as string[] | undefined) ?? [];
    const known = await identityProviderNames(ctx, pool);
    for (const provider of providers) {
      if (provider !== 'COGNITO' && !known.includes(provider))
        throw invalid(`The provider ${provider} does not exist for User Pool ${pool.options.Id}`);
    }
    const callbacks = (req.CallbackURLs as string[] | undefined) ?? [];
    const logouts = (req.LogoutURLs as string[] | undefined) ?? [];
    for (const url of [...callbacks, ...logouts]) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw invalid(`${url}: a redirect URI must be an absolute URI`);
      }
      if (parsed.hash) throw invalid(`${url}: a redirect URI must not include a fragment`);
      if (parsed.protocol === 'http:' && parsed.hostname !== 'localhost')
        throw invalid(`${url}: http is allowed for localhost only`);
    }
    if (req.DefaultRedirectURI !== undefined && !callbacks.includes(String(req.DefaultRedirectURI)))
      throw invalid('DefaultRedirectURI: must be one of the CallbackURLs');
    const oauthFlows = (req.AllowedOAuthFlows as string[] | undefined) ?? [];
    const scopes = (req.AllowedOAuthScopes as string[] | undefined) ?? [];
    const oauth = req.AllowedOAuthFlowsUserPoolClient === true;
    for (const flow of oauthFlows)
      if (!['code', 'implicit', 'client_credentials'].includes(flow))
        throw invalid(`AllowedOAuthFlows: unknown flow ${flow}`);
    if (oauthFlows.includes('client_credentials') && oauthFlows.length > 1)
      throw invalid('AllowedOAuthFlows: client_credentials cannot be combined with other flows');
    // Flows and scopes on a client whose AllowedOAuthFlowsUserPoolClient is false are kept, not refused: such
    // clients exist (made by tools that leave the flag out) and the hosted UI refuses them (boto3#3916).
    if (oauth && (oauthFlows.length === 0 || scopes.length === 0))
      throw invalid('AllowedOAuthFlowsUserPoolClient: needs AllowedOAuthFlows and AllowedOAuthScopes');
    if (oauth && oauthFlows.some((f) => f !== 'client_credentials') && callbacks.length === 0)
      throw invalid('CallbackURLs: an app client with the code or implicit flow needs one');
    const servers = await resourceServersOf(ctx, pool);
    for (const scope of scopes) {
      const custom = Object.values(servers).some((server) =>
        ((server.Scopes as Json[] | undefined) ?? []).some(
          (s) => `${server.Identifier}/${s.ScopeName}` === scope,
        ),
      );
      if (!STANDARD_SCOPES.includes(scope) && !custom) throw invalid(`Invalid scope requested: ${scope}`);
    }
    return {
      ClientName: name,
      ExplicitAuthFlows: flows,
      RefreshTokenValidity: refresh,
      AccessTokenValidity: access,
      IdTokenValidity: id,
      TokenValidityUnits: { AccessToken: accessUnit, IdToken: idUnit, RefreshToken: refreshUnit },
      ...(read ? { ReadAttributes: read } : {}),
      ...(write ? { WriteAttributes: write } : {}),
      ...(providers.length ? { SupportedIdentityProviders: providers } : {}),
      ...(callbacks.length ? { CallbackURLs: callbacks } : {}),
      ...(logouts.length ? { LogoutURLs: logouts } : {}),
      ...(req.DefaultRedirectURI !== undefined ? { DefaultRedirectURI: req.DefaultRedirectURI } : {}),
      ...(oauthFlows.length ? { AllowedOAuthFlows: oauthFlows } : {}),
      ...(scopes.length ? { AllowedOAuthScopes: scopes } : {}),
      AllowedOAuthFlowsUserPoolClient: oauth,
      ...(req.AnalyticsConfiguration ? { AnalyticsConfiguration: req.AnalyticsConfiguration } : {}),
      PreventUserExistenceErrors: (req.PreventUserExistenceErrors as string | undefined) ?? 'LEGACY',
      EnableTokenRevocation: (req.EnableTokenRevocation as boolean | undefined) ?? true,
      EnablePropagateAdditionalUserContextData:
        (req.EnablePropagateAdditionalUserContextData as boolean | undefined) ?? false,
      AuthSessionValidity: session,
      ...(req.RefreshTokenRotation ? { RefreshTokenRotation: req.RefreshTokenRotation } : {}),
    };
  };
  type StoredClient = Json & {
    ClientId: string;
    UserPoolId: string;
    ClientSecret?: string;
    CreationDate?: Date;
  };
  const saveClient = (ctx: Ctx, pool: UserPool, client: StoredClient) =>
    (pool as unknown as { saveAppClient(ctx: Ctx, client: StoredClient): Promise<void> }).saveAppClient(
      ctx,
      client,
    );
  const clientOf = async (ctx: Ctx, req: Request) => {
    const client = (await cognito.getAppClient(ctx, String(req.ClientId))) as StoredClient | null;
    if (!client || client.UserPoolId !== req.UserPoolId)
      throw notFound(`User pool client ${String(req.ClientId)} does not exist.`);
    return client;
  };
  const shownClient = (client: StoredClient) => {
    const { ClientSecret, ...rest } = client;
    return { ...rest, ...(ClientSecret ? { ClientSecret } : {}) };
  };
  const clients: Record<string, Wrapper> = {
    CreateUserPoolClient: (target) => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      const settings = await clientSettings(ctx, pool, req);
      // A secret of the caller's own (API reference, CreateUserPoolClient ClientSecret), never beside GenerateSecret.
      const custom = req.ClientSecret === undefined ? undefined : String(req.ClientSecret);
      if (custom !== undefined && req.GenerateSecret === true)
        throw invalid('ClientSecret: cannot be given with GenerateSecret true');
      // Length and pattern from the API reference (AddUserPoolClientSecret, ClientSecretDescriptorType).
      if (custom !== undefined && !/^[\w+]{24,64}$/.test(custom))
        throw invalid('ClientSecret: 24 to 64 letters, digits, _ or +');
      const created = (await target(ctx, req)) as { UserPoolClient: StoredClient };
      const stored = await clientOf(ctx, { ...req, ClientId: created.UserPoolClient.ClientId });
      const secret = custom ?? stored.ClientSecret;
      const client: StoredClient = {
        ClientId: stored.ClientId,
        UserPoolId: stored.UserPoolId,
        ...(secret ? { ClientSecret: secret } : {}),
        CreationDate: stored.CreationDate,
        LastModifiedDate: stored.CreationDate,
        ...settings,
      };
      await saveClient(ctx, pool, client);
      return { UserPoolClient: shownClient(client) };
    },
    UpdateUserPoolClient: () => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      const current = await clientOf(ctx, req);
      // Every setting the call leaves out goes back to its default, as in Cognito; the name stays unless given.
      const settings = await clientSettings(ctx, pool, {
        ...req,
        ClientName: req.ClientName ?? current.ClientName,
      });
      const client: StoredClient = {
        ClientId: current.ClientId,
        UserPoolId: current.UserPoolId,
        ...(current.ClientSecret ? { ClientSecret: current.ClientSecret } : {}),
        CreationDate: current.CreationDate,
        LastModifiedDate: clock.get(),
        ...settings,
      };
      await saveClient(ctx, pool, client);
      return { UserPoolClient: shownClient(client) };
    },
    DescribeUserPoolClient: () => async (ctx, req) => ({
      UserPoolClient: shownClient(await clientOf(ctx, req)),
    }),
  };

  // --- resource servers ---
  const validateServer = (req: Request) => {
    const identifier = String(req.Identifier ?? '');
    if (!/^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/.test(identifier))
      throw invalid('Identifier: 1 to 256 printable characters, no spaces, quotes or backslashes');
    const name = String(req.Name ?? '');
    if (!/^[\w\s+=,.@-]{1,256}$/.test(name))
      throw invalid('Name: 1 to 256 letters, digits, spaces or +=,.@_-');
    const scopes = (req.Scopes as Json[] | undefined) ?? [];
    if (scopes.length > 100) throw invalid('Scopes: at most 100');
    for (const scope of scopes) {
      if (!/^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/.test(String(scope.ScopeName ?? '')))
        throw invalid(
          `ScopeName: ${String(scope.ScopeName)} is 1 to 256 printable characters without /, spaces, quotes or backslashes`,
        );
      if (!scope.ScopeDescription || String(scope.ScopeDescription).length > 256)
        throw invalid('ScopeDescription: 1 to 256 characters');
    }
    return { Identifier: identifier, Name: name, ...(scopes.length ? { Scopes: scopes } : {}) };
  };
  const serverOf = async (ctx: Ctx, pool: UserPool, identifier: unknown) => {
    const server = (await resourceServersOf(ctx, pool))[String(identifier)];
    if (!server) throw notFound(`Resource server ${String(identifier)} does not exist.`);
    return server;
  };
  const resourceServers: Record<string, Wrapper> = {
    CreateResourceServer: () => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      const server = { UserPoolId: pool.options.Id, ...validateServer(req) };
      if ((await resourceServersOf(ctx, pool))[server.Identifier])
        throw invalid(`${server.Identifier} already exists in user pool ${pool.options.Id}.`);
      await pool.dataStore.set(ctx, [RESOURCE_SERVERS_KEY, server.Identifier], server);
      return { ResourceServer: server };
    },
    UpdateResourceServer: () => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      await serverOf(ctx, pool, req.Identifier);
      // Name and Scopes are replaced: scopes left out are gone.
      const server = { UserPoolId: pool.options.Id, ...validateServer(req) };
      await pool.dataStore.set(ctx, [RESOURCE_SERVERS_KEY, server.Identifier], server);
      return { ResourceServer: server };
    },
    DescribeResourceServer: () => async (ctx, req) => ({
      ResourceServer: await serverOf(ctx, await poolOf(ctx, req), req.Identifier),
    }),
    DeleteResourceServer: () => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      await serverOf(ctx, pool, req.Identifier);
      await pool.dataStore.delete(ctx, [RESOURCE_SERVERS_KEY, String(req.Identifier)]);
      return {};
    },
    ListResourceServers: () => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      const max = Number(req.MaxResults ?? 50);
      if (!Number.isInteger(max) || max < 1 || max > 50) throw invalid('MaxResults: 1 to 50');
      const all = Object.values(await resourceServersOf(ctx, pool)).sort((a, b) =>
        String(a.Identifier).localeCompare(String(b.Identifier)),
      );
      const start = req.NextToken
        ? Number(Buffer.from(String(req.NextToken), 'base64url').toString('utf8'))
        : 0;
      if (!Number.isInteger(start) || start < 0) throw invalid('NextToken: not a token this call returned');
      return {
        ResourceServers: all.slice(start, start + max),
        ...(start + max < all.length
          ? { NextToken: Buffer.from(String(start + max)).toString('base64url') }
          : {}),
      };
    },
  };

  // --- domains: one prefix domain a pool, unique in the region (every pool of this emulator) ---
  const poolWithDomain = async (ctx: Ctx, domain: string) => {
    for (const { Id } of await cognito.listUserPools(ctx)) {
      const pool = await cognito.getUserPool(ctx, Id);
      if (pool.options.Domain === domain || pool.options.CustomDomain === domain) return pool;
    }
    return undefined;
  };
  const domains: Record<string, Wrapper> = {
    CreateUserPoolDomain: () => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      const domain = String(req.Domain ?? '');
      const custom = isObject(req.CustomDomainConfig);
      if (custom) {
        if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(domain))
          throw invalid('Domain: a custom domain is a fully qualified domain name');
        if (!String((req.CustomDomainConfig as Json).CertificateArn ?? '').startsWith('arn:'))
          throw invalid('CustomDomainConfig.CertificateArn: an ACM certificate ARN is required');
      } else {
        if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domain))
          throw invalid(
            'Domain: 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
          );
        const reserved = RESERVED_DOMAIN_WORDS.find((word) => domain.includes(word));
        if (reserved) throw invalid(`Domain: cannot contain the reserved word ${reserved}`);
      }
      if (await poolWithDomain(ctx, domain)) throw invalid('Domain already exists.');
      if (custom ? pool.options.CustomDomain : pool.options.Domain)
        throw invalid(`The user pool already has a ${custom ? 'custom' : 'prefix'} domain.`);
      await pool.updateOptions(ctx, {
        ...pool.options,
        ...(custom
          ? { CustomDomain: domain, CustomDomainConfig: req.CustomDomainConfig }
          : { Domain: domain }),
        ManagedLoginVersion: req.ManagedLoginVersion ?? 1,
      } as PoolOptions);
      return custom
        ? {
            CloudFrontDomain: `${domain.replace(/\./g, '-')}.cloudfront.net`,
            ManagedLoginVersion: req.ManagedLoginVersion ?? 1,
          }
        : { ManagedLoginVersion: req.ManagedLoginVersion ?? 1 };
    },
    DescribeUserPoolDomain: () => async (ctx, req) => {
      const domain = String(req.Domain ?? '');
      const pool = await poolWithDomain(ctx, domain);
      if (!pool) return { DomainDescription: {} };
      const custom = pool.options.CustomDomain === domain;
      return {
        DomainDescription: {
          UserPoolId: pool.options.Id,
          AWSAccountId: String(pool.options.Arn ?? '').split(':')[4] ?? 'local',
          Domain: domain,
          S3Bucket: 'aws-cognito-prod-local-assets',
          CloudFrontDistribution: custom
            ? `${domain.replace(/\./g, '-')}.cloudfront.net`
            : `${domain}.auth.local.amazoncognito.com`,
          Version: '1',
          Status: 'ACTIVE',
          ManagedLoginVersion: pool.options.ManagedLoginVersion ?? 1,
          ...(custom ? { CustomDomainConfig: pool.options.CustomDomainConfig } : {}),
        },
      };
    },
    DeleteUserPoolDomain: () => async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      const domain = String(req.Domain ?? '');
      if (pool.options.Domain !== domain && pool.options.CustomDomain !== domain)
        throw invalid(`${domain} is not a domain of user pool ${pool.options.Id}.`);
      const { Domain: _prefix, CustomDomain: _custom, CustomDomainConfig: _config, ...rest } = pool.options;
      await pool.updateOptions(ctx, {
        ...rest,
        ...(pool.options.Domain !== domain && pool.options.Domain ? { Domain: pool.options.Domain } : {}),
        ...(pool.options.CustomDomain !== domain && pool.options.CustomDomain
          ? { CustomDomain: pool.options.CustomDomain, CustomDomainConfig: pool.options.CustomDomainConfig }
          : {}),
      } as PoolOptions);
      return {};
    },
  };

  // cognito-local keeps neither of these two creation settings; Cognito keeps both.
  const create: Wrapper = (target) => async (ctx, req) => {
    if (
      req.DeletionProtection !== undefined &&
      !['ACTIVE', 'INACTIVE'].includes(String(req.DeletionProtection))
    )
      throw invalid('DeletionProtection: ACTIVE or INACTIVE');
    if (req.UserPoolTier !== undefined && !['LITE', 'ESSENTIALS', 'PLUS'].includes(String(req.UserPoolTier)))
      throw invalid('UserPoolTier: LITE, ESSENTIALS or PLUS');
    const created = (await target(ctx, req)) as { UserPool?: { Id?: string } };
    if (created.UserPool?.Id && (req.DeletionProtection !== undefined || req.UserPoolTier !== undefined)) {
      const pool = await cognito.getUserPool(ctx, created.UserPool.Id);
      await pool.updateOptions(ctx, {
        ...pool.options,
        ...(req.DeletionProtection !== undefined ? { DeletionProtection: req.DeletionProtection } : {}),
        ...(req.UserPoolTier !== undefined ? { UserPoolTier: req.UserPoolTier } : {}),
      } as PoolOptions);
    }
    return created;
  };

  return {
    CreateUserPool: create,
    DescribeUserPool: describe,
    UpdateUserPool: update,
    AddCustomAttributes: addCustomAttributes,
    ...groups,
    ...clients,
    ...resourceServers,
    ...domains,
  };
}
