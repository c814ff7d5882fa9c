// The diff between the primary pool's configuration and the backup's, as the writes that bring the backup in line
// (never a deletion), what Cognito cannot change on an existing pool (blockers: a new pool is the only way), and
// what mirror leaves to the operator (notes). Pure: reading and writing are the callers'.
import type {
  AddCustomAttributesRequest,
  CreateGroupRequest,
  CreateIdentityProviderRequest,
  CreateResourceServerRequest,
  CreateUserPoolClientRequest,
  CreateUserPoolDomainRequest,
  SchemaAttributeType,
  SetUserPoolMfaConfigRequest,
  UpdateGroupRequest,
  UpdateIdentityProviderRequest,
  UpdateResourceServerRequest,
  UpdateUserPoolClientRequest,
  UpdateUserPoolRequest,
  UserPoolClientType,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { poolUpdateRequest, SOURCE_SUB_ATTRIBUTE } from '@cognito-dr/shared';
import { canonical, same, shown } from './compare';
import {
  configurableDetails,
  type IdentityProviderSecrets,
  isKnownProviderType,
  SECRET_KEYS,
} from './identity-provider-details';
import type { PoolConfiguration } from './pool-configuration';

export type Section =
  | 'sign-in'
  | 'schema'
  | 'pool'
  | 'mfa'
  | 'resource-server'
  | 'identity-provider'
  | 'group'
  | 'app-client'
  | 'domain';

export interface FieldDifference {
  field: string;
  /** As the diff shows them; secrets are shown as `(secret)`. */
  primary: string;
  backup: string;
}

export type MirrorWrite =
  | { op: 'addCustomAttributes'; input: AddCustomAttributesRequest }
  | { op: 'updateUserPool'; input: UpdateUserPoolRequest }
  | { op: 'setUserPoolMfaConfig'; input: SetUserPoolMfaConfigRequest }
  | { op: 'createResourceServer'; input: CreateResourceServerRequest }
  | { op: 'updateResourceServer'; input: UpdateResourceServerRequest }
  | { op: 'createIdentityProvider'; input: CreateIdentityProviderRequest }
  | { op: 'updateIdentityProvider'; input: UpdateIdentityProviderRequest }
  | { op: 'createGroup'; input: CreateGroupRequest }
  | { op: 'updateGroup'; input: UpdateGroupRequest }
  | { op: 'createUserPoolClient'; input: CreateUserPoolClientRequest }
  | { op: 'updateUserPoolClient'; input: UpdateUserPoolClientRequest }
  | { op: 'createUserPoolDomain'; input: CreateUserPoolDomainRequest };

export interface MirrorChange {
  section: Section;
  action: 'create' | 'update';
  name: string;
  differences: FieldDifference[];
  write: MirrorWrite;
}

/** A difference Cognito cannot resolve on an existing pool; `todo` says what to do instead. */
export interface MirrorBlocker {
  section: Section;
  name: string;
  field: string;
  primary: string;
  backup: string;
  todo: string;
}

export interface MirrorNote {
  section: Section;
  name: string;
  message: string;
}

export interface MirrorPlan {
  changes: MirrorChange[];
  blockers: MirrorBlocker[];
  notes: MirrorNote[];
}

export interface MirrorOptions {
  /** Secrets Cognito does not show, by identity provider name. */
  identityProviderSecrets?: IdentityProviderSecrets;
  /** The backup pool's prefix domain; by default the primary's prefix, which is free per region. */
  backupDomain?: string;
  /**
   * 'apply': a provider secret neither Cognito nor the operator gives is an error (nothing can be created without
   * it). 'check' (the scheduled comparison): secrets are not compared, only what can be read.
   */
  mode?: 'apply' | 'check';
}

/** An identity provider's secret is not readable from Cognito and the operator did not give it. */
export class MissingSecretError extends Error {
  override readonly name = 'MissingSecretError';
}

/** App clients of cognito-dr itself, one set per pool: neither copied nor changed. */
export const isOwnClient = (client: Pick<UserPoolClientType, 'ClientName'>): boolean =>
  (client.ClientName ?? '').startsWith('cognito-dr-');

/**
 * Pool settings made the primary's. The rest of UpdateUserPool's settings are the backup pool's own: its triggers
 * and what it verifies (its posture, failover/src/pool-posture.ts), its email sender (an SES identity of its
 * region), deletion protection, tags, plan, name, keys and issuer; MFA is set with SetUserPoolMfaConfig.
 */
export const MIRRORED_POOL_SETTINGS = [
  'Policies',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'DeviceConfiguration',
  'SmsConfiguration',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
] as const satisfies readonly (keyof UserPoolType & keyof UpdateUserPoolRequest)[];

/** The app client settings UpdateUserPoolClient takes (it resets any it is not given, so all are sent). */
const CLIENT_SETTINGS = [
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
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'AuthSessionValidity',
  'RefreshTokenRotation',
] as const satisfies readonly (keyof UserPoolClientType & keyof UpdateUserPoolClientRequest)[];

/** Attributes no app client can be given to write, whatever the pool. */
const NEVER_CLIENT_WRITABLE = new Set(['sub', 'email_verified', 'phone_number_verified', 'identities']);

const SECRET_SHOWN = '(secret)';

export function planMirror(
  primary: PoolConfiguration,
  backup: PoolConfiguration,
  options: MirrorOptions = {},
): MirrorPlan {
  const plan: MirrorPlan = { changes: [], blockers: [], notes: [] };
  signIn(primary.pool, backup.pool, plan);
  schema(primary.pool, backup, plan);
  poolSettings(primary.pool, backup, plan);
  mfa(primary, backup, plan);
  resourceServers(primary, backup, plan);
  identityProviders(primary, backup, options, plan);
  groups(primary, backup, plan);
  appClients(primary, backup, plan);
  replicatorClient(primary, backup, plan);
  domain(primary.pool, backup, options, plan);
  return plan;
}

/**
 * The part of the plan that decides whether the backup pool can take the primary's users at all: how users sign in
 * and the custom attributes they carry. A user with an attribute the backup lacks is refused there, every one.
 */
export function planUserShape(
  primary: UserPoolType,
  backup: Pick<PoolConfiguration, 'pool' | 'userPoolId'>,
): MirrorPlan {
  const plan: MirrorPlan = { changes: [], blockers: [], notes: [] };
  signIn(primary, backup.pool, plan);
  schema(primary, backup, plan);
  return plan;
}

const NEW_BACKUP_POOL =
  'a new backup pool: in adopt mode the replica stack creates it from the primary pool (docs/deploy.md)';

function signIn(primary: UserPoolType, backup: UserPoolType, plan: MirrorPlan) {
  const fixed: [string, unknown, unknown][] = [
    ['UsernameAttributes', primary.UsernameAttributes, backup.UsernameAttributes],
    ['AliasAttributes', primary.AliasAttributes, backup.AliasAttributes],
    // Pools made before the setting existed report none, and compare usernames case-sensitively.
    [
      'UsernameConfiguration.CaseSensitive',
      primary.UsernameConfiguration?.CaseSensitive ?? true,
      backup.UsernameConfiguration?.CaseSensitive ?? true,
    ],
  ];
  for (const [field, want, have] of fixed) {
    if (!same(want, have)) {
      plan.blockers.push({
        section: 'sign-in',
        name: 'pool',
        field,
        primary: shown(want),
        backup: shown(have),
        todo: `Cognito cannot change ${field} of an existing pool: ${NEW_BACKUP_POOL}`,
      });
    }
  }
}

const customName = (attribute: SchemaAttributeType) => (attribute.Name ?? '').replace(/^(dev:)?custom:/, '');
const isCustom = (attribute: SchemaAttributeType) => /^(dev:)?custom:/.test(attribute.Name ?? '');

function schema(
  primary: UserPoolType,
  backup: Pick<PoolConfiguration, 'pool' | 'userPoolId'>,
  plan: MirrorPlan,
) {
  const backupByName = new Map((backup.pool.SchemaAttributes ?? []).map((a) => [a.Name, a]));
  for (const attribute of primary.SchemaAttributes ?? []) {
    const name = attribute.Name ?? '';
    // cognito-dr's own attribute, which each pool's stack declares for itself.
    if (name === SOURCE_SUB_ATTRIBUTE) continue;
    const theirs = backupByName.get(name);
    if (!theirs) {
      if (!isCustom(attribute)) continue; // every pool has the standard attributes
      const { Name: _, ...definition } = attribute;
      plan.changes.push({
        section: 'schema',
        action: 'create',
        name,
        differences: [{ field: 'definition', primary: shown(definition), backup: '(none)' }],
        write: {
          op: 'addCustomAttributes',
          input: {
            UserPoolId: backup.userPoolId,
            CustomAttributes: [{ ...structuredClone(definition), Name: customName(attribute) }],
          },
        },
      });
      continue;
    }
    const fixedFields: [string, unknown, unknown][] = isCustom(attribute)
      ? [
          ['AttributeDataType', attribute.AttributeDataType, theirs.AttributeDataType],
          ['Mutable', attribute.Mutable, theirs.Mutable],
          [
            'StringAttributeConstraints',
            attribute.StringAttributeConstraints,
            theirs.StringAttributeConstraints,
          ],
          [
            'NumberAttributeConstraints',
            attribute.NumberAttributeConstraints,
            theirs.NumberAttributeConstraints,
          ],
        ]
      : [
          ['Required', attribute.Required ?? false, theirs.Required ?? false],
          ['Mutable', attribute.Mutable, theirs.Mutable],
        ];
    for (const [field, want, have] of fixedFields) {
      if (same(want, have)) continue;
      plan.blockers.push({
        section: 'schema',
        name,
        field,
        primary: shown(want),
        backup: shown(have),
        todo: isCustom(attribute)
          ? `Cognito cannot change or remove a custom attribute: ${NEW_BACKUP_POOL}`
          : `Cognito cannot change which attributes are required or mutable: ${NEW_BACKUP_POOL}`,
      });
    }
  }
}

function poolSettings(primary: UserPoolType, backup: PoolConfiguration, plan: MirrorPlan) {
  const desired = (key: (typeof MIRRORED_POOL_SETTINGS)[number]) => {
    const value = primary[key];
    if (key === 'AdminCreateUserConfig' && value) {
      const { UnusedAccountValidityDays: _, ...rest } = value as NonNullable<
        UserPoolType['AdminCreateUserConfig']
      >;
      return rest;
    }
    return value;
  };
  const current = (key: (typeof MIRRORED_POOL_SETTINGS)[number]) => {
    const value = backup.pool[key];
    if (key === 'AdminCreateUserConfig' && value) {
      const { UnusedAccountValidityDays: _, ...rest } = value as NonNullable<
        UserPoolType['AdminCreateUserConfig']
      >;
      return rest;
    }
    return value;
  };
  const differences = MIRRORED_POOL_SETTINGS.filter((key) => !same(desired(key), current(key))).map(
    (key) => ({
      field: key,
      primary: shown(desired(key)),
      backup: shown(current(key)),
    }),
  );
  if (differences.length > 0) {
    const input = poolUpdateRequest(backup.pool, backup.userPoolId) as unknown as Record<string, unknown>;
    for (const key of MIRRORED_POOL_SETTINGS) {
      const value = desired(key);
      if (canonical(value) === undefined) delete input[key];
      else input[key] = structuredClone(value);
    }
    plan.changes.push({
      section: 'pool',
      action: 'update',
      name: 'settings',
      differences,
      write: { op: 'updateUserPool', input: input as unknown as UpdateUserPoolRequest },
    });
  }
  poolNotes(primary, backup.pool, plan);
}

function poolNotes(primary: UserPoolType, backup: UserPoolType, plan: MirrorPlan) {
  const theirTriggers = Object.entries(primary.LambdaConfig ?? {}).filter(
    ([, value]) => typeof value === 'string' && !/:function:cognito-dr-/.test(value),
  );
  for (const [trigger] of theirTriggers) {
    plan.notes.push({
      section: 'pool',
      name: 'LambdaConfig',
      message:
        `the primary's ${trigger} trigger is not set on the backup pool: a trigger must be a function in the ` +
        "backup pool's region; deploy yours there and add it to the backup pool",
    });
  }
  if (!same(primary.EmailConfiguration, backup.EmailConfiguration)) {
    plan.notes.push({
      section: 'pool',
      name: 'EmailConfiguration',
      message:
        'the backup pool sends email as its own stack sets it (an SES identity of its region: param sesSourceArn ' +
        'of services/replica), not as the primary does',
    });
  }
  if (!same(primary.UserAttributeUpdateSettings, backup.UserAttributeUpdateSettings)) {
    plan.notes.push({
      section: 'pool',
      name: 'UserAttributeUpdateSettings',
      message:
        'verification before an attribute update depends on what the pool verifies, which is its posture ' +
        '(nothing while standby): not mirrored',
    });
  }
  if ((primary.UserPoolTier ?? 'ESSENTIALS') !== (backup.UserPoolTier ?? 'ESSENTIALS')) {
    plan.notes.push({
      section: 'pool',
      name: 'UserPoolTier',
      message:
        `the primary is on ${primary.UserPoolTier ?? 'ESSENTIALS'}, the backup on ${backup.UserPoolTier ?? 'ESSENTIALS'}: ` +
        'settings of a higher plan are refused by the backup until its plan is raised (param userPoolTier)',
    });
  }
}

function mfa(primary: PoolConfiguration, backup: PoolConfiguration, plan: MirrorPlan) {
  if (same(primary.mfa, backup.mfa)) return;
  // Cognito refuses email MFA on a pool that sends with its default sender, and the sender is the backup's own.
  if (
    primary.mfa.EmailMfaConfiguration !== undefined &&
    backup.pool.EmailConfiguration?.EmailSendingAccount !== 'DEVELOPER'
  ) {
    plan.blockers.push({
      section: 'mfa',
      name: 'configuration',
      field: 'EmailMfaConfiguration',
      primary: shown(primary.mfa.EmailMfaConfiguration),
      backup: `(email sent by ${backup.pool.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT'})`,
      todo:
        'email MFA needs the backup pool to send email with Amazon SES: give it an SES identity of its region ' +
        '(param sesSourceArn of services/replica), then run mirror again',
    });
    return;
  }
  const keys = [
    'MfaConfiguration',
    'SmsMfaConfiguration',
    'SoftwareTokenMfaConfiguration',
    'EmailMfaConfiguration',
    'WebAuthnConfiguration',
  ] as const;
  plan.changes.push({
    section: 'mfa',
    action: 'update',
    name: 'configuration',
    differences: keys
      .filter((key) => !same(primary.mfa[key], backup.mfa[key]))
      .map((key) => ({ field: key, primary: shown(primary.mfa[key]), backup: shown(backup.mfa[key]) })),
    write: {
      op: 'setUserPoolMfaConfig',
      input: {
        UserPoolId: backup.userPoolId,
        ...(Object.fromEntries(
          keys
            .filter((key) => primary.mfa[key] !== undefined)
            .map((key) => [key, structuredClone(primary.mfa[key])]),
        ) as Omit<SetUserPoolMfaConfigRequest, 'UserPoolId'>),
      },
    },
  });
}

function resourceServers(primary: PoolConfiguration, backup: PoolConfiguration, plan: MirrorPlan) {
  const existing = new Map(backup.resourceServers.map((server) => [server.Identifier, server]));
  for (const server of primary.resourceServers) {
    const identifier = server.Identifier ?? '';
    const want = { Name: server.Name, Scopes: server.Scopes };
    const have = existing.get(identifier);
    const input = {
      UserPoolId: backup.userPoolId,
      Identifier: identifier,
      Name: server.Name,
      Scopes: structuredClone(server.Scopes ?? []),
    };
    if (!have) {
      plan.changes.push({
        section: 'resource-server',
        action: 'create',
        name: identifier,
        differences: [{ field: 'definition', primary: shown(want), backup: '(none)' }],
        write: { op: 'createResourceServer', input },
      });
      continue;
    }
    const differences = (['Name', 'Scopes'] as const)
      .filter((key) => !same(want[key], have[key]))
      .map((key) => ({ field: key, primary: shown(want[key]), backup: shown(have[key]) }));
    if (differences.length > 0) {
      plan.changes.push({
        section: 'resource-server',
        action: 'update',
        name: identifier,
        differences,
        write: { op: 'updateResourceServer', input },
      });
    }
  }
}

function identityProviders(
  primary: PoolConfiguration,
  backup: PoolConfiguration,
  options: MirrorOptions,
  plan: MirrorPlan,
) {
  const existing = new Map(backup.identityProviders.map((provider) => [provider.ProviderName, provider]));
  for (const provider of primary.identityProviders) {
    const name = provider.ProviderName ?? '';
    const type = provider.ProviderType;
    if (!isKnownProviderType(type)) {
      plan.notes.push({
        section: 'identity-provider',
        name,
        message: `provider type ${String(type)} is not one mirror knows: not mirrored`,
      });
      continue;
    }
    const have = existing.get(name);
    if (have && have.ProviderType !== type) {
      plan.blockers.push({
        section: 'identity-provider',
        name,
        field: 'ProviderType',
        primary: String(type),
        backup: String(have.ProviderType),
        todo: `Cognito cannot change a provider's type: delete ${name} from the backup pool, then run mirror again`,
      });
      continue;
    }
    const wantDetails = configurableDetails(type, provider.ProviderDetails);
    const haveDetails = configurableDetails(type, have?.ProviderDetails);
    const differences: FieldDifference[] = [];
    for (const key of new Set([...Object.keys(wantDetails), ...Object.keys(haveDetails)])) {
      if (wantDetails[key] !== haveDetails[key]) {
        differences.push({
          field: `ProviderDetails.${key}`,
          primary: shown(wantDetails[key]),
          backup: shown(haveDetails[key]),
        });
      }
    }
    const secrets: Record<string, string> = {};
    const missing: string[] = [];
    for (const key of SECRET_KEYS[type] ?? []) {
      const value = provider.ProviderDetails?.[key] || options.identityProviderSecrets?.[name]?.[key];
      if (!value) {
        missing.push(key);
        continue;
      }
      secrets[key] = value;
      // A backup that hides its own secret cannot be compared: it is set when the provider is created or updated.
      const current = have?.ProviderDetails?.[key];
      if (have && current && current !== value) {
        differences.push({ field: `ProviderDetails.${key}`, primary: SECRET_SHOWN, backup: SECRET_SHOWN });
      }
    }
    for (const key of ['AttributeMapping', 'IdpIdentifiers'] as const) {
      if (have && !same(provider[key], have[key])) {
        differences.push({ field: key, primary: shown(provider[key]), backup: shown(have[key]) });
      }
    }
    const [missingKey] = missing;
    if (missingKey && options.mode !== 'check' && (!have || differences.length > 0)) {
      throw new MissingSecretError(
        `identity provider ${name}: Cognito does not show its ${missingKey}, which mirror needs to ` +
          `${have ? 'update' : 'create'} it in the backup pool; give it with --idp-secrets <file or Secrets ` +
          `Manager ARN> holding {"${name}": {"${missingKey}": "..."}}`,
      );
    }
    const fields = {
      UserPoolId: backup.userPoolId,
      ProviderName: name,
      ProviderDetails: { ...wantDetails, ...secrets },
      AttributeMapping: structuredClone(provider.AttributeMapping ?? {}),
      IdpIdentifiers: [...(provider.IdpIdentifiers ?? [])],
    };
    if (type === 'SAML') {
      plan.notes.push({
        section: 'identity-provider',
        name,
        message:
          'the SAML provider must also trust the backup pool as a service provider (its entity ID ' +
          `urn:amazon:cognito:sp:${backup.userPoolId} and its domain's /saml2/idpresponse URL)`,
      });
    }
    if (!have) {
      plan.changes.push({
        section: 'identity-provider',
        action: 'create',
        name,
        differences: [
          {
            field: 'definition',
            primary: shown({ ProviderType: type, ProviderDetails: wantDetails }),
            backup: '(none)',
          },
        ],
        write: { op: 'createIdentityProvider', input: { ...fields, ProviderType: type } },
      });
    } else if (differences.length > 0) {
      plan.changes.push({
        section: 'identity-provider',
        action: 'update',
        name,
        differences,
        write: { op: 'updateIdentityProvider', input: fields },
      });
    }
  }
}

function groups(primary: PoolConfiguration, backup: PoolConfiguration, plan: MirrorPlan) {
  const existing = new Map(backup.groups.map((group) => [group.GroupName, group]));
  for (const group of primary.groups) {
    const name = group.GroupName ?? '';
    const want = { Description: group.Description, Precedence: group.Precedence, RoleArn: group.RoleArn };
    const have = existing.get(name);
    const input = { UserPoolId: backup.userPoolId, GroupName: name, ...want };
    if (!have) {
      plan.changes.push({
        section: 'group',
        action: 'create',
        name,
        differences: [{ field: 'definition', primary: shown(want), backup: '(none)' }],
        write: { op: 'createGroup', input },
      });
      continue;
    }
    const differences = (['Description', 'Precedence', 'RoleArn'] as const)
      .filter((key) => !same(want[key], have[key]))
      .map((key) => ({ field: key, primary: shown(want[key]), backup: shown(have[key]) }));
    if (differences.length > 0) {
      plan.changes.push({
        section: 'group',
        action: 'update',
        name,
        differences,
        write: { op: 'updateGroup', input },
      });
    }
  }
}

/** What an app client may write in the backup pool: the primary client's list, never the link to the home sub. */
function writableByClient(client: UserPoolClientType, primary: UserPoolType): string[] {
  const listed =
    client.WriteAttributes ??
    // No list means the pool's standard attributes (Cognito shows none then); the backup client gets them by name,
    // so the link (a custom attribute) stays out whatever the default becomes.
    (primary.SchemaAttributes ?? [])
      .filter(
        (attribute) =>
          !isCustom(attribute) &&
          attribute.Mutable !== false &&
          !NEVER_CLIENT_WRITABLE.has(attribute.Name ?? ''),
      )
      .map((attribute) => attribute.Name ?? '');
  return listed.filter((name) => name !== SOURCE_SUB_ATTRIBUTE);
}

/** The backup pool's replicator client (services/replica): it signs up whole records, so it writes them all. */
export const REPLICATOR_CLIENT_NAME = 'cognito-dr-replicator';

/**
 * A custom attribute added to the backup pool is one the replicator must be able to write: without it, every
 * backup user created through it would lack the attribute. Its other settings are the replica stack's, kept.
 */
function replicatorClient(primary: PoolConfiguration, backup: PoolConfiguration, plan: MirrorPlan) {
  const replicator = backup.clients.find((client) => client.ClientName === REPLICATOR_CLIENT_NAME);
  if (!replicator?.WriteAttributes) return; // no list: it writes what Cognito allows by default
  const missing = (primary.pool.SchemaAttributes ?? [])
    .filter((attribute) => isCustom(attribute) && attribute.Mutable !== false)
    .map((attribute) => attribute.Name ?? '')
    .filter((name) => !replicator.WriteAttributes?.includes(name));
  if (missing.length === 0) return;
  const input: Record<string, unknown> = {
    UserPoolId: backup.userPoolId,
    ClientId: replicator.ClientId,
    ClientName: replicator.ClientName,
  };
  for (const key of [...CLIENT_SETTINGS, 'AnalyticsConfiguration'] as const) {
    if (replicator[key] !== undefined) input[key] = structuredClone(replicator[key]);
  }
  input.WriteAttributes = [...replicator.WriteAttributes, ...missing];
  plan.changes.push({
    section: 'app-client',
    action: 'update',
    name: REPLICATOR_CLIENT_NAME,
    differences: [
      {
        field: 'WriteAttributes',
        primary: shown(input.WriteAttributes),
        backup: shown(replicator.WriteAttributes),
      },
    ],
    write: { op: 'updateUserPoolClient', input: input as unknown as UpdateUserPoolClientRequest },
  });
}

function appClients(primary: PoolConfiguration, backup: PoolConfiguration, plan: MirrorPlan) {
  const existing = new Map<string, UserPoolClientType>();
  for (const client of backup.clients) {
    if (!isOwnClient(client) && client.ClientName) existing.set(client.ClientName, client);
  }
  const seen = new Set<string>();
  for (const client of primary.clients) {
    const name = client.ClientName ?? '';
    if (isOwnClient(client)) continue;
    if (seen.has(name)) {
      plan.notes.push({
        section: 'app-client',
        name,
        message: 'the primary pool has more than one app client of this name: only the first is mirrored',
      });
      continue;
    }
    seen.add(name);
    const want: Record<string, unknown> = {};
    for (const key of CLIENT_SETTINGS) want[key] = structuredClone(client[key]);
    want.WriteAttributes = writableByClient(client, primary.pool);
    if (client.AnalyticsConfiguration) {
      plan.notes.push({
        section: 'app-client',
        name,
        message: 'its analytics configuration names a project of the primary region: not mirrored',
      });
    }
    const have = existing.get(name);
    if (!have) {
      plan.changes.push({
        section: 'app-client',
        action: 'create',
        name,
        differences: [
          {
            field: 'definition',
            primary: shown({ ...want, ClientSecret: client.ClientSecret ? SECRET_SHOWN : undefined }),
            backup: '(none)',
          },
        ],
        write: {
          op: 'createUserPoolClient',
          input: {
            UserPoolId: backup.userPoolId,
            ClientName: name,
            ...(want as Omit<CreateUserPoolClientRequest, 'UserPoolId' | 'ClientName'>),
            // The same secret, so apps that sign their requests keep working after a failover.
            ...(client.ClientSecret ? { ClientSecret: client.ClientSecret } : {}),
          },
        },
      });
      continue;
    }
    if (Boolean(client.ClientSecret) !== Boolean(have.ClientSecret)) {
      plan.blockers.push({
        section: 'app-client',
        name,
        field: 'ClientSecret',
        primary: client.ClientSecret ? 'a secret' : 'no secret',
        backup: have.ClientSecret ? 'a secret' : 'no secret',
        todo: `Cognito cannot add or remove an app client's secret: delete ${name} from the backup pool, then run mirror again`,
      });
      continue;
    }
    const differences = CLIENT_SETTINGS.filter((key) => !same(want[key], have[key])).map((key) => ({
      field: key,
      primary: shown(want[key]),
      backup: shown(have[key]),
    }));
    if (client.ClientSecret && have.ClientSecret && client.ClientSecret !== have.ClientSecret) {
      plan.notes.push({
        section: 'app-client',
        name,
        message:
          "its secret differs from the primary's: apps signing requests need the backup client's secret",
      });
    }
    if (differences.length > 0) {
      plan.changes.push({
        section: 'app-client',
        action: 'update',
        name,
        differences,
        write: {
          op: 'updateUserPoolClient',
          input: {
            UserPoolId: backup.userPoolId,
            ClientId: have.ClientId,
            ClientName: name,
            ...(want as Omit<UpdateUserPoolClientRequest, 'UserPoolId' | 'ClientId'>),
          },
        },
      });
    }
  }
}

function domain(primary: UserPoolType, backup: PoolConfiguration, options: MirrorOptions, plan: MirrorPlan) {
  if (backup.pool.Domain || backup.pool.CustomDomain) return; // the backup's own, whatever it is
  const prefix = options.backupDomain ?? primary.Domain;
  if (!prefix) {
    if (primary.CustomDomain) {
      plan.notes.push({
        section: 'domain',
        name: primary.CustomDomain,
        message:
          'the primary has only a custom domain: give the backup pool a prefix domain with --backup-domain <prefix>, ' +
          'or a custom domain of its own (a certificate in us-east-1)',
      });
    }
    return;
  }
  plan.changes.push({
    section: 'domain',
    action: 'create',
    name: prefix,
    differences: [
      { field: 'Domain', primary: shown(primary.Domain ?? primary.CustomDomain), backup: '(none)' },
    ],
    write: { op: 'createUserPoolDomain', input: { UserPoolId: backup.userPoolId, Domain: prefix } },
  });
}
