// Creates (or finds again, on a restart) a local pool as its shape defines it (shapes.ts): the pool, its app
// clients and groups, and the primary pool's administrator.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AdminDefinition, PoolDefinition } from './shapes';

export interface LocalPool {
  userPoolId: string;
  /** The app client's id (the first of `clients`). */
  clientId: string;
  /** Every client's id, by name. */
  clientIds: Record<string, string>;
}

const isNamed = (name: string) => (error: unknown) => error instanceof Error && error.name === name;

/** Creates the pool, its clients and its groups unless a pool of that name already has them (a restart). */
export const ensurePool = async (
  cognito: CognitoIdentityProviderClient,
  pool: Pick<PoolDefinition, 'poolName' | 'create' | 'clients'> &
    Partial<Pick<PoolDefinition, 'groups' | 'mfa'>>,
): Promise<LocalPool> => {
  const { UserPools } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = UserPools?.find((p) => p.Name === pool.poolName)?.Id;
  if (!userPoolId) {
    const { UserPool } = await cognito.send(
      new CreateUserPoolCommand({ PoolName: pool.poolName, ...pool.create }),
    );
    userPoolId = UserPool?.Id;
    if (userPoolId && pool.mfa) {
      await cognito.send(new SetUserPoolMfaConfigCommand({ UserPoolId: userPoolId, ...pool.mfa }));
    }
  }
  if (!userPoolId) throw new Error(`could not create user pool ${pool.poolName}`);
  const { UserPoolClients } = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  const clientIds: Record<string, string> = {};
  for (const client of pool.clients) {
    let clientId = UserPoolClients?.find((c) => c.ClientName === client.name)?.ClientId;
    if (!clientId) {
      const { UserPoolClient } = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: client.name,
          ExplicitAuthFlows: client.authFlows,
          WriteAttributes: client.writeAttributes,
          GenerateSecret: client.generateSecret ?? false,
        }),
      );
      clientId = UserPoolClient?.ClientId;
    }
    if (!clientId) throw new Error(`could not create app client ${client.name}`);
    clientIds[client.name] = clientId;
  }
  for (const group of pool.groups ?? [])
    await ensureGroup(cognito, userPoolId, group.name, group.description);
  return { userPoolId, clientId: clientIds[pool.clients[0].name] as string, clientIds };
};

/**
 * Creates the group unless the pool has it. (A pool with no group at all is one where cognito-local answers
 * AdminAddUserToGroup with an internal error instead of ResourceNotFoundException.)
 */
export const ensureGroup = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  group: string,
  description: string,
) => {
  // ListGroups rather than GetGroup: cognito-local answers GetGroup on a pool without groups with an internal error.
  const { Groups } = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
  if (Groups?.some((g) => g.GroupName === group)) return;
  await cognito.send(
    new CreateGroupCommand({
      UserPoolId: userPoolId,
      GroupName: group,
      Description: description,
    }),
  );
};

/**
 * Creates the primary pool's administrator unless the pool has them, sets their password and puts them in the
 * admin group. AdminCreateUser runs the pool's PreSignUp trigger, so the functions must answer by then.
 */
export const ensureAdmin = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  admin: AdminDefinition & { password: string; group: string },
): Promise<void> => {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: admin.signInName }));
  } catch (error) {
    if (!isNamed('UserNotFoundException')(error)) throw error;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: admin.signInName,
        MessageAction: 'SUPPRESS',
        UserAttributes: Object.entries(admin.attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
  }
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: admin.signInName,
      Password: admin.password,
      Permanent: true,
    }),
  );
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: admin.signInName,
      GroupName: admin.group,
    }),
  );
};
