// Reads everything that makes up a pool's configuration, with the calls Cognito offers: the pool itself, its MFA
// settings, and every app client, group, resource server and identity provider, each page by page.
import type {
  GroupType,
  IdentityProviderType,
  ResourceServerType,
  UserPoolClientType,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ConfigurationReads, MfaSettings } from '@cognito-dr/shared';

export interface PoolConfiguration {
  userPoolId: string;
  pool: UserPoolType;
  mfa: MfaSettings;
  clients: UserPoolClientType[];
  groups: GroupType[];
  resourceServers: ResourceServerType[];
  identityProviders: IdentityProviderType[];
}

/** The pool named does not exist where it was looked for; the message says what to check. */
export class PoolNotFoundError extends Error {
  override readonly name = 'PoolNotFoundError';
}

const isNamed = (error: unknown, name: string) =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

export async function readPoolConfiguration(
  api: ConfigurationReads,
  userPoolId: string,
  where: string,
): Promise<PoolConfiguration> {
  let pool: UserPoolType | undefined;
  try {
    pool = (await api.describeUserPool({ UserPoolId: userPoolId })).UserPool;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) pool = undefined;
    else throw error;
  }
  if (!pool) {
    throw new PoolNotFoundError(
      `user pool ${userPoolId} not found in ${where}: check the pool id and that its region is the one given`,
    );
  }
  const { $metadata: _, ...mfa } = (await api.getUserPoolMfaConfig({
    UserPoolId: userPoolId,
  })) as MfaSettings & {
    $metadata?: unknown;
  };
  const clients: UserPoolClientType[] = [];
  for (const listed of await pages((NextToken) =>
    api
      .listUserPoolClients({ UserPoolId: userPoolId, MaxResults: 60, NextToken })
      .then((r) => ({ items: r.UserPoolClients, next: r.NextToken })),
  )) {
    const { UserPoolClient } = await api.describeUserPoolClient({
      UserPoolId: userPoolId,
      ClientId: listed.ClientId,
    });
    if (UserPoolClient) clients.push(UserPoolClient);
  }
  const groups = await pages((NextToken) =>
    api
      .listGroups({ UserPoolId: userPoolId, Limit: 60, NextToken })
      .then((r) => ({ items: r.Groups, next: r.NextToken })),
  );
  const resourceServers = await pages((NextToken) =>
    api
      .listResourceServers({ UserPoolId: userPoolId, MaxResults: 50, NextToken })
      .then((r) => ({ items: r.ResourceServers, next: r.NextToken })),
  );
  const identityProviders: IdentityProviderType[] = [];
  for (const listed of await pages((NextToken) =>
    api
      .listIdentityProviders({ UserPoolId: userPoolId, MaxResults: 60, NextToken })
      .then((r) => ({ items: r.Providers, next: r.NextToken })),
  )) {
    const { IdentityProvider } = await api.describeIdentityProvider({
      UserPoolId: userPoolId,
      ProviderName: listed.ProviderName,
    });
    if (IdentityProvider) identityProviders.push(IdentityProvider);
  }
  return { userPoolId, pool, mfa, clients, groups, resourceServers, identityProviders };
}

async function pages<T>(
  page: (next: string | undefined) => Promise<{ items?: T[]; next?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  let next: string | undefined;
  do {
    const result = await page(next);
    all.push(...(result.items ?? []));
    next = result.next;
  } while (next);
  return all;
}
