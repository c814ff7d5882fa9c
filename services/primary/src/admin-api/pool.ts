// The AWS calls the admin API makes, behind small interfaces: routes and their tests see these, never the SDK,
// and the list of calls here is the list of IAM actions the functions need.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  GetGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  getRecord,
  isErrorNamed,
  type PoolUser,
  readPoolUser,
  type StoreResult,
  type UserRecord,
} from '@cognito-dr/shared';
import type { NewUser } from './validate';

/** The primary user pool, as far as the admin API changes and reads it. */
export interface PrimaryPool {
  /** AdminGetUser + AdminListGroupsForUser; null when there is no such user. */
  readUser(username: string): Promise<PoolUser | null>;
  /** AdminGetUser: the pool's own spelling of the username (the pool is case-insensitive), or null. */
  canonicalUsername(username: string): Promise<string | null>;
  /** GetGroup. */
  groupExists(group: string): Promise<boolean>;
  /** AdminCreateUser. */
  createUser(user: NewUser): Promise<void>;
  /** AdminUpdateUserAttributes. */
  updateAttributes(username: string, attributes: AttributeType[]): Promise<void>;
  /** AdminDeleteUser. */
  deleteUser(username: string): Promise<void>;
  /** AdminDisableUser / AdminEnableUser. */
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** AdminAddUserToGroup. */
  addToGroup(username: string, group: string): Promise<void>;
  /** AdminRemoveUserFromGroup. */
  removeFromGroup(username: string, group: string): Promise<void>;
}

/** The replication table, read-only: writes go through capture. */
export interface RecordReader {
  /** GetItem. */
  getRecord(username: string): Promise<UserRecord | null>;
}

/** The backup pool, read-only: only GET asks whether the replica has caught up. */
export interface BackupPool {
  /** AdminGetUser on the backup pool. */
  hasUser(username: string): Promise<boolean>;
}

/** Rewrites the user's record from a fresh read of the primary pool (captureUser from @cognito-dr/shared). */
export type Capture = (username: string) => Promise<StoreResult>;

export function cognitoPrimaryPool(cognito: CognitoIdentityProviderClient, userPoolId: string): PrimaryPool {
  const UserPoolId = userPoolId;
  return {
    readUser: (username) => readPoolUser(cognito, userPoolId, username),

    async canonicalUsername(username) {
      try {
        const user = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: username }));
        return user.Username ?? username;
      } catch (error) {
        if (isErrorNamed(error, 'UserNotFoundException')) return null;
        throw error;
      }
    },

    async groupExists(group) {
      try {
        await cognito.send(new GetGroupCommand({ UserPoolId, GroupName: group }));
        return true;
      } catch (error) {
        if (isErrorNamed(error, 'ResourceNotFoundException')) return false;
        throw error;
      }
    },

    async createUser({ username, attributes, temporaryPassword, sendInvitation }) {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: username,
          UserAttributes: attributes,
          TemporaryPassword: temporaryPassword,
          // Users made by an operator (often restoring or migrating someone) get no mail unless asked for.
          ...(sendInvitation ? { DesiredDeliveryMediums: ['EMAIL'] } : { MessageAction: 'SUPPRESS' }),
        }),
      );
    },

    async updateAttributes(username, attributes) {
      await cognito.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId, Username: username, UserAttributes: attributes }),
      );
    },

    async deleteUser(username) {
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: username }));
    },

    async setEnabled(username, enabled) {
      const input = { UserPoolId, Username: username };
      await cognito.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input));
    },

    async addToGroup(username, group) {
      await cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username: username, GroupName: group }),
      );
    },

    async removeFromGroup(username, group) {
      await cognito.send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: username, GroupName: group }),
      );
    },
  };
}

export function dynamoRecordReader(table: DynamoDBDocumentClient, tableName: string): RecordReader {
  return { getRecord: (username) => getRecord(table, tableName, username) };
}

export function cognitoBackupPool(cognito: CognitoIdentityProviderClient, userPoolId: string): BackupPool {
  return {
    async hasUser(username) {
      try {
        await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
        return true;
      } catch (error) {
        if (isErrorNamed(error, 'UserNotFoundException')) return false;
        throw error;
      }
    },
  };
}
