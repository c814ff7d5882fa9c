// LOCAL ONLY: a pool's external identity providers and the users who sign in through them, which cognito-local
// lacks altogether. Identity providers with Cognito's validation and the details Cognito adds (and hides) per
// type; linking a provider's user to an existing user (AdminLinkProviderForUser) and undoing it
// (AdminDisableProviderForUser), reported in the `identities` attribute as Cognito reports it; and a LOCAL-ONLY
// stand-in for the sign-in Cognito's hosted UI runs after the provider answers (LocalOnlyFederatedSignIn): a user
// linked to the provider's subject gets the tokens, anyone else becomes (or is updated as) an EXTERNAL_PROVIDER
// user named `<provider>_<subject>`. Rules from the API reference (CreateIdentityProvider, AdminLinkProviderForUser,
// AdminDisableProviderForUser) and the Developer Guide ("Linking federated users to an existing user profile").
import { randomUUID } from 'node:crypto';
import {
  type Attribute,
  attributeRecord,
  attributeValue,
  type CognitoLocalErrors,
  type CognitoLocalServices,
  type Ctx,
  type LocalUser,
  type Request,
  type UserPool,
  type Wrapper,
} from './cognito-local';
import { signInRules } from './sign-in-identifiers';

export const PROVIDER_TYPES = [
  'SAML',
  'Facebook',
  'Google',
  'LoginWithAmazon',
  'SignInWithApple',
  'OIDC',
] as const;
type ProviderType = (typeof PROVIDER_TYPES)[number];
const SOCIAL: ProviderType[] = ['Facebook', 'Google', 'LoginWithAmazon', 'SignInWithApple'];
/** The name the LOCAL-ONLY federated sign-in is called by (x-amz-target); no Cognito operation has it. */
export const LOCAL_FEDERATED_SIGN_IN = 'LocalOnlyFederatedSignIn';
/** The provider name that stands for the pool's own users in links. */
const COGNITO = 'Cognito';
const SUBJECT = 'Cognito_Subject';
/** "The maximum number of federated identities linked to a user is five." */
export const MAX_LINKED_IDENTITIES = 5;

export interface IdentityProvider {
  UserPoolId: string;
  ProviderName: string;
  ProviderType: ProviderType;
  ProviderDetails: Record<string, string>;
  AttributeMapping: Record<string, string>;
  IdpIdentifiers: string[];
  CreationDate: Date;
  LastModifiedDate: Date;
}

/** One entry of a user's `identities` attribute, as Cognito writes it. */
export interface LinkedIdentity {
  userId: string;
  providerName: string;
  providerType: string;
  issuer: string | null;
  primary: boolean;
  dateCreated: number;
}

/** The details each type must be given (API reference, CreateIdentityProvider ProviderDetails). */
const REQUIRED_DETAILS: Record<ProviderType, string[]> = {
  Google: ['client_id', 'client_secret', 'authorize_scopes'],
  Facebook: ['client_id', 'client_secret', 'authorize_scopes'],
  LoginWithAmazon: ['client_id', 'client_secret', 'authorize_scopes'],
  SignInWithApple: ['client_id', 'team_id', 'key_id', 'private_key', 'authorize_scopes'],
  OIDC: ['client_id', 'attributes_request_method', 'oidc_issuer', 'authorize_scopes'],
  SAML: [],
};

/** What Cognito adds to the details it was given, as DescribeIdentityProvider shows them. */
const addedDetails = (type: ProviderType, details: Record<string, string>): Record<string, string> => {
  switch (type) {
    case 'Google':
      return {
        attributes_url: 'https://people.googleapis.com/v1/people/me?personFields=',
        attributes_url_add_attributes: 'true',
        authorize_url: 'https://accounts.google.com/o/oauth2/v2/auth',
        oidc_issuer: 'https://accounts.google.com',
        token_request_method: 'POST',
        token_url: 'https://www.googleapis.com/oauth2/v4/token',
      };
    case 'Facebook': {
      const version = details.api_version ?? 'v17.0';
      return {
        api_version: version,
        attributes_url: `https://graph.facebook.com/${version}/me?fields=`,
        attributes_url_add_attributes: 'true',
        authorize_url: `https://www.facebook.com/${version}/dialog/oauth`,
        token_request_method: 'GET',
        token_url: `https://graph.facebook.com/${version}/oauth/access_token`,
      };
    }
    case 'LoginWithAmazon':
      return {
        attributes_url: 'https://api.amazon.com/user/profile',
        attributes_url_add_attributes: 'false',
        authorize_url: 'https://www.amazon.com/ap/oa',
        token_request_method: 'POST',
        token_url: 'https://api.amazon.com/auth/o2/token',
      };
    case 'SignInWithApple':
      return {
        attributes_url_add_attributes: 'false',
        authorize_url: 'https://appleid.apple.com/auth/authorize',
        oidc_issuer: 'https://appleid.apple.com',
        token_request_method: 'POST',
        token_url: 'https://appleid.apple.com/auth/token',
      };
    case 'OIDC':
      return { attributes_url_add_attributes: 'false' };
    default:
      return {};
  }
};
/** Secrets Cognito keeps and never shows again: Sign in with Apple's private key. */
const HIDDEN_DETAILS: Partial<Record<ProviderType, string[]>> = { SignInWithApple: ['private_key'] };
/** The claim a provider's users are told apart by, mapped to `username` unless the mapping names another. */
const SUBJECT_CLAIM: Partial<Record<ProviderType, string>> = {
  Google: 'sub',
  Facebook: 'id',
  LoginWithAmazon: 'user_id',
  SignInWithApple: 'sub',
  OIDC: 'sub',
};

const PROVIDERS_KEY = 'IdentityProviders';

/** The `identities` attribute of a user, parsed (none when absent). */
export const identitiesOf = (user: LocalUser): LinkedIdentity[] => {
  const text = attributeValue(user.Attributes, 'identities');
  if (!text) return [];
  try {
    return JSON.parse(text) as LinkedIdentity[];
  } catch {
    return [];
  }
};
const withIdentities = (attributes: Attribute[], identities: LinkedIdentity[]): Attribute[] => [
  ...attributes.filter((a) => a.Name !== 'identities'),
  ...(identities.length > 0 ? [{ Name: 'identities', Value: JSON.stringify(identities) }] : []),
];

export function identityProviders(
  services: Pick<CognitoLocalServices, 'cognito' | 'clock' | 'triggers' | 'tokenGenerator'>,
  errors: CognitoLocalErrors,
): Record<string, Wrapper> {
  const { cognito, clock, triggers, tokenGenerator } = services;
  const invalid = (message: string) => new errors.InvalidParameterError(message);
  const notFound = (message: string) => new errors.CognitoError('ResourceNotFoundException', message);

  const providersOf = async (ctx: Ctx, pool: UserPool) =>
    (await pool.dataStore.get<Record<string, IdentityProvider>>(ctx, PROVIDERS_KEY, {})) ?? {};
  const providerOf = async (ctx: Ctx, pool: UserPool, name: unknown) => {
    const provider = (await providersOf(ctx, pool))[String(name)];
    if (!provider) throw notFound(`Identity provider ${String(name)} does not exist.`);
    return provider;
  };
  const shown = (provider: IdentityProvider) => {
    const hidden = HIDDEN_DETAILS[provider.ProviderType] ?? [];
    return {
      ...provider,
      ProviderDetails: Object.fromEntries(
        Object.entries(provider.ProviderDetails).filter(([key]) => !hidden.includes(key)),
      ),
    };
  };

  /** Checks what a create or update sets; the pool's attributes bound the mapping. */
  const validate = async (
    ctx: Ctx,
    pool: UserPool,
    type: ProviderType,
    name: string,
    details: Record<string, string>,
    mapping: Record<string, string>,
    identifiers: string[],
  ) => {
    for (const key of REQUIRED_DETAILS[type]) {
      if (!details[key]) throw invalid(`ProviderDetails: ${type} needs ${key}`);
    }
    if (type === 'SAML' && Boolean(details.MetadataURL) === Boolean(details.MetadataFile))
      throw invalid('ProviderDetails: SAML needs exactly one of MetadataURL and MetadataFile');
    const schema = new Set(
      ((pool.options.SchemaAttributes as { Name: string }[] | undefined) ?? []).map((a) => a.Name),
    );
    for (const attribute of Object.keys(mapping)) {
      if (attribute !== 'username' && !schema.has(attribute))
        throw invalid(`AttributeMapping: ${attribute} is not an attribute of the user pool`);
    }
    const others = Object.values(await providersOf(ctx, pool)).filter((p) => p.ProviderName !== name);
    for (const identifier of identifiers) {
      if (identifier.length < 1 || identifier.length > 40 || !/^[\w\s+=.@-]+$/.test(identifier))
        throw invalid(`IdpIdentifiers: ${identifier} must be 1 to 40 letters, digits, spaces or +=.@_-`);
      if (others.some((p) => p.IdpIdentifiers.includes(identifier)))
        throw invalid(
          `IdpIdentifiers: ${identifier} already names another identity provider of the user pool`,
        );
    }
  };

  const save = async (ctx: Ctx, pool: UserPool, provider: IdentityProvider) =>
    pool.dataStore.set(ctx, [PROVIDERS_KEY, provider.ProviderName], provider);

  const create = async (ctx: Ctx, req: Request) => {
    const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
    const name = String(req.ProviderName ?? '');
    const type = req.ProviderType as ProviderType;
    if (!PROVIDER_TYPES.includes(type))
      throw invalid(`ProviderType: must be one of ${PROVIDER_TYPES.join(', ')}`);
    // API reference: 1 to 32 characters, not starting or ending with white space or an underscore.
    if (!/^[^_\s][^\s]*[^_\s]$/u.test(name) || name.length < 3 || name.length > 32)
      throw invalid('ProviderName: 3 to 32 characters, no white space, not starting or ending with _');
    if (name.toLowerCase() === COGNITO.toLowerCase()) throw invalid(`ProviderName: ${COGNITO} is reserved`);
    if (SOCIAL.includes(type) && name !== type)
      throw invalid(`ProviderName: a ${type} provider must be named ${type}`);
    if ((await providersOf(ctx, pool))[name])
      throw new errors.CognitoError(
        'DuplicateProviderException',
        `A provider with the name ${name} already exists in this user pool.`,
      );
    const details = (req.ProviderDetails as Record<string, string> | undefined) ?? {};
    const subject = SUBJECT_CLAIM[type];
    const mapping = {
      ...(subject ? { username: subject } : {}),
      ...((req.AttributeMapping as Record<string, string> | undefined) ?? {}),
    };
    const identifiers = (req.IdpIdentifiers as string[] | undefined) ?? [];
    await validate(ctx, pool, type, name, details, mapping, identifiers);
    const now = clock.get();
    const provider: IdentityProvider = {
      UserPoolId: pool.options.Id,
      ProviderName: name,
      ProviderType: type,
      ProviderDetails: { ...addedDetails(type, details), ...details },
      AttributeMapping: mapping,
      IdpIdentifiers: identifiers,
      CreationDate: now,
      LastModifiedDate: now,
    };
    await save(ctx, pool, provider);
    return { IdentityProvider: shown(provider) };
  };

  const update = async (ctx: Ctx, req: Request) => {
    const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
    const current = await providerOf(ctx, pool, req.ProviderName);
    // What the call leaves out stays as it was; the type never changes.
    const details = (req.ProviderDetails as Record<string, string> | undefined) ?? current.ProviderDetails;
    const mapping = (req.AttributeMapping as Record<string, string> | undefined) ?? current.AttributeMapping;
    const identifiers = (req.IdpIdentifiers as string[] | undefined) ?? current.IdpIdentifiers;
    const kept = Object.fromEntries(
      (HIDDEN_DETAILS[current.ProviderType] ?? []).map((key) => [
        key,
        current.ProviderDetails[key] as string,
      ]),
    );
    const merged = { ...kept, ...details };
    await validate(ctx, pool, current.ProviderType, current.ProviderName, merged, mapping, identifiers);
    const provider: IdentityProvider = {
      ...current,
      ProviderDetails: { ...addedDetails(current.ProviderType, merged), ...merged },
      AttributeMapping: mapping,
      IdpIdentifiers: identifiers,
      LastModifiedDate: clock.get(),
    };
    await save(ctx, pool, provider);
    return { IdentityProvider: shown(provider) };
  };

  const list = async (ctx: Ctx, req: Request) => {
    const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
    const max = Number(req.MaxResults ?? 60);
    if (!Number.isInteger(max) || max < 1 || max > 60) throw invalid('MaxResults: 1 to 60');
    const all = Object.values(await providersOf(ctx, pool)).sort((a, b) =>
      a.ProviderName.localeCompare(b.ProviderName),
    );
    const start = req.NextToken
      ? Number(Buffer.from(String(req.NextToken), 'base64url').toString('utf8'))
      : 0;
    if (!Number.isInteger(start) || start < 0) throw invalid('NextToken: not a token this call returned');
    const page = all.slice(start, start + max);
    return {
      Providers: page.map(({ ProviderName, ProviderType, CreationDate, LastModifiedDate }) => ({
        ProviderName,
        ProviderType,
        CreationDate,
        LastModifiedDate,
      })),
      ...(start + max < all.length
        ? { NextToken: Buffer.from(String(start + max)).toString('base64url') }
        : {}),
    };
  };

  // --- users and their linked identities ---
  const allUsers = async (ctx: Ctx, pool: UserPool) =>
    Object.values((await pool.dataStore.get<Record<string, LocalUser>>(ctx, 'Users', {})) ?? {});
  /** The user a provider's subject already belongs to (linked), if any. */
  const linkedUser = async (ctx: Ctx, pool: UserPool, providerName: string, userId: string) =>
    (await allUsers(ctx, pool)).find(
      (user) =>
        user.UserStatus !== 'EXTERNAL_PROVIDER' &&
        identitiesOf(user).some((i) => i.providerName === providerName && i.userId === userId),
    );
  /** The EXTERNAL_PROVIDER user a provider's subject signed in as, in a pool whose names may ignore case. */
  const federatedUsername = (pool: UserPool, providerName: string, subject: string) => {
    const name = `${providerName}_${subject}`;
    return signInRules(pool.options).caseSensitive ? name : name.toLowerCase();
  };
  const issuerOf = (provider: IdentityProvider) =>
    provider.ProviderType === 'SAML' ? (provider.ProviderDetails.MetadataURL ?? null) : null;

  const link = async (ctx: Ctx, req: Request) => {
    const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
    const destination = req.DestinationUser as Record<string, string> | undefined;
    const source = req.SourceUser as Record<string, string> | undefined;
    if (!destination?.ProviderName || !destination.ProviderAttributeValue)
      throw invalid('DestinationUser: ProviderName and ProviderAttributeValue are required');
    if (!source?.ProviderName || !source.ProviderAttributeName || !source.ProviderAttributeValue)
      throw invalid(
        'SourceUser: ProviderName, ProviderAttributeName and ProviderAttributeValue are required',
      );
    if (source.ProviderName === COGNITO)
      throw invalid('SourceUser: must be a user of an external identity provider');
    const provider = await providerOf(ctx, pool, source.ProviderName);
    if (provider.ProviderType !== 'SAML' && source.ProviderAttributeName !== SUBJECT)
      throw invalid(
        `SourceUser: ProviderAttributeName must be ${SUBJECT} for a ${provider.ProviderType} provider`,
      );
    const target =
      destination.ProviderName === COGNITO
        ? await pool.getUserByUsername(ctx, destination.ProviderAttributeValue)
        : await pool.getUserByUsername(
            ctx,
            federatedUsername(pool, destination.ProviderName, destination.ProviderAttributeValue),
          );
    if (!target) throw new errors.UserNotFoundError('User does not exist.');
    const immutable = (
      (pool.options.SchemaAttributes as { Name: string; Mutable?: boolean }[] | undefined) ?? []
    ).filter(
      (a) =>
        a.Name.startsWith('custom:') &&
        a.Mutable === false &&
        attributeValue(target.Attributes, a.Name) !== undefined,
    );
    if (immutable.length > 0)
      throw invalid(
        'DestinationUser: every attribute of the user must be mutable to link an identity to them',
      );
    // The subject must not have signed in yet: its own user would have to be merged, which Cognito does not do.
    if (
      await pool.getUserByUsername(
        ctx,
        federatedUsername(pool, provider.ProviderName, source.ProviderAttributeValue),
      )
    )
      throw invalid('Merging is not currently supported, provide a SourceUser that has not signed in yet');
    const holder = await linkedUser(ctx, pool, provider.ProviderName, source.ProviderAttributeValue);
    if (holder && holder.Username !== target.Username)
      throw new errors.CognitoError(
        'AliasExistsException',
        'The source user is already linked to another user.',
      );
    const identities = identitiesOf(target).filter(
      (i) => !(i.providerName === provider.ProviderName && i.userId === source.ProviderAttributeValue),
    );
    if (identities.length >= MAX_LINKED_IDENTITIES)
      throw new errors.CognitoError(
        'LimitExceededException',
        `A user can have at most ${MAX_LINKED_IDENTITIES} linked identities.`,
      );
    identities.push({
      userId: source.ProviderAttributeValue,
      providerName: provider.ProviderName,
      providerType: provider.ProviderType,
      issuer: issuerOf(provider),
      primary: false,
      dateCreated: clock.get().getTime(),
    });
    await pool.saveUser(ctx, {
      ...target,
      Attributes: withIdentities(target.Attributes, identities),
      UserLastModifiedDate: clock.get(),
    });
    return {};
  };

  const disable = async (ctx: Ctx, req: Request) => {
    const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
    const user = req.User as Record<string, string> | undefined;
    if (!user?.ProviderName || !user.ProviderAttributeValue)
      throw invalid('User: ProviderName and ProviderAttributeValue are required');
    if (user.ProviderName === COGNITO) {
      // A local user loses password sign-in.
      const local = await pool.getUserByUsername(ctx, user.ProviderAttributeValue);
      if (!local) throw new errors.UserNotFoundError('User does not exist.');
      await pool.saveUser(ctx, { ...local, Password: undefined, UserLastModifiedDate: clock.get() });
      return {};
    }
    const provider = await providerOf(ctx, pool, user.ProviderName);
    if (provider.ProviderType !== 'SAML' && user.ProviderAttributeName !== SUBJECT)
      throw invalid(`User: ProviderAttributeName must be ${SUBJECT} for a ${provider.ProviderType} provider`);
    const holder = await linkedUser(ctx, pool, provider.ProviderName, user.ProviderAttributeValue);
    if (holder) {
      const identities = identitiesOf(holder).filter(
        (i) => !(i.providerName === provider.ProviderName && i.userId === user.ProviderAttributeValue),
      );
      await pool.saveUser(ctx, {
        ...holder,
        Attributes: withIdentities(holder.Attributes, identities),
        UserLastModifiedDate: clock.get(),
      });
    }
    const federated = await pool.getUserByUsername(
      ctx,
      federatedUsername(pool, provider.ProviderName, user.ProviderAttributeValue),
    );
    if (federated?.UserStatus === 'EXTERNAL_PROVIDER')
      await pool.saveUser(ctx, { ...federated, Enabled: false, UserLastModifiedDate: clock.get() });
    if (!holder && !federated) throw new errors.UserNotFoundError('User does not exist.');
    return {};
  };

  /** The provider's claims as the pool's attributes, by the provider's attribute mapping. */
  const mapped = (provider: IdentityProvider, claims: Record<string, string>): Attribute[] =>
    Object.entries(provider.AttributeMapping)
      .filter(([attribute, claim]) => attribute !== 'username' && claims[claim] !== undefined)
      .map(([Name, claim]) => ({ Name, Value: claims[claim] as string }));
  const merge = (attributes: Attribute[], changes: Attribute[]) => [
    ...attributes.filter((a) => !changes.some((c) => c.Name === a.Name)),
    ...changes,
  ];

  const federatedSignIn = async (ctx: Ctx, req: Request) => {
    const client = await cognito.getAppClient(ctx, String(req.ClientId));
    if (!client) throw notFound('User pool client does not exist.');
    const pool = await cognito.getUserPoolForClientId(ctx, String(req.ClientId));
    const provider = await providerOf(ctx, pool, req.ProviderName);
    const { SupportedIdentityProviders: supported = [], AllowedOAuthFlowsUserPoolClient: oauth } = client as {
      SupportedIdentityProviders?: string[];
      AllowedOAuthFlowsUserPoolClient?: boolean;
    };
    // The hosted UI serves only clients allowed OAuth, and only the providers they list.
    if (oauth !== true)
      throw invalid('The app client is not allowed OAuth flows (AllowedOAuthFlowsUserPoolClient)');
    if (!supported.includes(provider.ProviderName))
      throw invalid(`The app client does not support the identity provider ${provider.ProviderName}`);
    const subject = String(req.Subject ?? '');
    if (!subject) throw invalid('Subject: the provider user id is required');
    const claims = (req.Claims as Record<string, string> | undefined) ?? {};
    const attributes = mapped(provider, claims);
    let user = await linkedUser(ctx, pool, provider.ProviderName, subject);
    if (user?.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
    if (user) {
      // A linked user's mapped attributes follow the provider at each sign-in.
      user = { ...user, Attributes: merge(user.Attributes, attributes), UserLastModifiedDate: clock.get() };
      await pool.saveUser(ctx, user);
    } else {
      const username = federatedUsername(pool, provider.ProviderName, subject);
      const existing = await pool.getUserByUsername(ctx, username);
      if (existing?.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
      if (existing) {
        user = {
          ...existing,
          Attributes: merge(existing.Attributes, attributes),
          UserLastModifiedDate: clock.get(),
        };
        await pool.saveUser(ctx, user);
      } else {
        const identity: LinkedIdentity = {
          userId: subject,
          providerName: provider.ProviderName,
          providerType: provider.ProviderType,
          issuer: issuerOf(provider),
          primary: true,
          dateCreated: clock.get().getTime(),
        };
        const now = clock.get();
        user = {
          Username: username,
          Attributes: withIdentities([{ Name: 'sub', Value: randomUUID() }, ...attributes], [identity]),
          Enabled: true,
          UserStatus: 'EXTERNAL_PROVIDER',
          UserCreateDate: now,
          UserLastModifiedDate: now,
          RefreshTokens: [],
        };
        if (triggers.enabled('PreSignUp')) {
          await triggers.preSignUp(ctx, {
            clientId: req.ClientId,
            clientMetadata: undefined,
            source: 'PreSignUp_ExternalProvider',
            userAttributes: user.Attributes,
            username,
            userPoolId: pool.options.Id,
            validationData: undefined,
          });
        }
        await pool.saveUser(ctx, user);
        if (triggers.enabled('PostConfirmation')) {
          await triggers.postConfirmation(ctx, {
            clientId: req.ClientId,
            clientMetadata: undefined,
            source: 'PostConfirmation_ConfirmSignUp',
            username,
            userPoolId: pool.options.Id,
            userAttributes: [...user.Attributes, { Name: 'cognito:user_status', Value: 'EXTERNAL_PROVIDER' }],
          });
        }
      }
    }
    if (user.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
    const groups = await pool.listUserGroupMembership(ctx, user);
    const tokens = await tokenGenerator.generate(ctx, user, groups, client, undefined, 'HostedAuth');
    await pool.storeRefreshToken(ctx, tokens.RefreshToken, user);
    return {
      Username: user.Username,
      AuthenticationResult: tokens,
      UserAttributes: attributeRecord(user.Attributes),
    };
  };

  return {
    CreateIdentityProvider: () => create,
    UpdateIdentityProvider: () => update,
    DescribeIdentityProvider: () => async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
      return { IdentityProvider: shown(await providerOf(ctx, pool, req.ProviderName)) };
    },
    DeleteIdentityProvider: () => async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
      await providerOf(ctx, pool, req.ProviderName);
      await pool.dataStore.delete(ctx, [PROVIDERS_KEY, String(req.ProviderName)]);
      return {};
    },
    ListIdentityProviders: () => list,
    GetIdentityProviderByIdentifier: () => async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
      const provider = Object.values(await providersOf(ctx, pool)).find((p) =>
        p.IdpIdentifiers.includes(String(req.IdpIdentifier)),
      );
      if (!provider)
        throw notFound(`Identity provider with identifier ${String(req.IdpIdentifier)} does not exist.`);
      return { IdentityProvider: shown(provider) };
    },
    AdminLinkProviderForUser: () => link,
    AdminDisableProviderForUser: () => disable,
    [LOCAL_FEDERATED_SIGN_IN]: () => federatedSignIn,
  };
}
