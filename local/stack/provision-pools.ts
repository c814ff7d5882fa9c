// Creates (or finds again, on a restart) the two local pools, their app clients, the admin group and the admin
// user, with the same schema the CloudFormation templates declare.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type ExplicitAuthFlowsType,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type SchemaAttributeType,
  type VerifiedAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';

export interface LocalPool {
  userPoolId: string;
  /** The app client's id (the first of `clients`). */
  clientId: string;
  /** Every client's id, by name. */
  clientIds: Record<string, string>;
}

/** An app client as the service's template declares it (the template tests hold both to pool-schema.json). */
export interface LocalClient {
  name: string;
  authFlows: ExplicitAuthFlowsType[];
  writeAttributes: string[];
  /** A client with a secret (the backup pool's replicator): read it with DescribeUserPoolClient. */
  generateSecret?: boolean;
}

const isNamed = (name: string) => (error: unknown) => error instanceof Error && error.name === name;

export const ensurePool = async (
  cognito: CognitoIdentityProviderClient,
  opts: {
    poolName: string;
    clients: [LocalClient, ...LocalClient[]];
    schema: SchemaAttributeType[];
    autoVerifiedAttributes: VerifiedAttributeType[];
  },
): Promise<LocalPool> => {
  const { UserPools } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = UserPools?.find((p) => p.Name === opts.poolName)?.Id;
  if (!userPoolId) {
    const { UserPool } = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: opts.poolName,
        Schema: opts.schema,
        AutoVerifiedAttributes: opts.autoVerifiedAttributes,
        UsernameConfiguration: { CaseSensitive: false },
      }),
    );
    userPoolId = UserPool?.Id;
  }
  if (!userPoolId) throw new Error(`could not create user pool ${opts.poolName}`);
  const { UserPoolClients } = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  const clientIds: Record<string, string> = {};
  for (const client of opts.clients) {
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
  return { userPoolId, clientId: clientIds[opts.clients[0].name] as string, clientIds };
};

/**
 * Creates the group unless the pool has it. Both pools get the admin group, as both CloudFormation templates
 * declare it: operators need it in the backup pool after a failover. (It also keeps the backup pool from being a
 * pool with no group at all, where cognito-local answers AdminAddUserToGroup with an internal error instead of
 * ResourceNotFoundException.)
 */
export const ensureGroup = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  group: string,
) => {
  // ListGroups rather than GetGroup: cognito-local answers GetGroup on a pool without groups with an internal error.
  const { Groups } = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
  if (Groups?.some((g) => g.GroupName === group)) return;
  await cognito.send(
    new CreateGroupCommand({
      UserPoolId: userPoolId,
      GroupName: group,
      Description: 'cognito-dr administrators',
    }),
  );
};

export const ensureAdmin = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  admin: { username: string; password: string; email: string; group: string },
): Promise<void> => {
  // ListGroups rather than GetGroup: cognito-local answers GetGroup on a pool without groups with an internal error.
  const { Groups } = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
  if (!Groups?.some((g) => g.GroupName === admin.group)) {
    await cognito.send(
      new CreateGroupCommand({
        UserPoolId: userPoolId,
        GroupName: admin.group,
        Description: 'cognito-dr admins',
      }),
    );
  }
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: admin.username }));
  } catch (error) {
    if (!isNamed('UserNotFoundException')(error)) throw error;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: admin.username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: admin.email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  }
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: admin.username,
      Password: admin.password,
      Permanent: true,
    }),
  );
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: admin.username,
      GroupName: admin.group,
    }),
  );
};
