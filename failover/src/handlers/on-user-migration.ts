// Lambda handler of the primary pool's UserMigration trigger: users who signed up in the backup pool during a
// failover come in on their first sign-in (password checked there) or password reset, from their record.
// MIGRATE_FROM_USER_POOL_ID / MIGRATE_FROM_CLIENT_ID name the backup pool and its migration client (empty until
// the replica stack exists: migration is then refused); BACKUP_REGION is its region.
import {
  cognitoClient,
  envReader,
  getRecord,
  lambdaHandler,
  noteMigrating,
  tableClient,
  thisRegionIsActive,
} from '@cognito-dr/shared';
import type { UserMigrationTriggerEvent } from 'aws-lambda';
import { adminAuthenticator, onUserMigration } from '../migration';

// The event carries the password: the factory never logs events.
export const handler = lambdaHandler<UserMigrationTriggerEvent, UserMigrationTriggerEvent>(
  ({ logger }) => {
    const env = envReader();
    const table = tableClient();
    const tableName = env.required('TABLE_NAME');
    const otherPoolId = env.optional('MIGRATE_FROM_USER_POOL_ID');
    const otherClientId = env.optional('MIGRATE_FROM_CLIENT_ID');
    return onUserMigration({
      isActive: thisRegionIsActive(env, table),
      readRecord: (username) => getRecord(table, tableName, username),
      noteMigrating: (record) => noteMigrating(table, tableName, record.username, env.required('AWS_REGION')),
      authenticateElsewhere:
        otherPoolId && otherClientId
          ? adminAuthenticator(
              // Cognito waits 5 s for a trigger: one quick try at the other region, never a long retry.
              cognitoClient({
                region: env.required('BACKUP_REGION'),
                maxAttempts: 2,
                endpoint: env.optional('MIGRATE_FROM_COGNITO_ENDPOINT'),
              }),
              otherPoolId,
              otherClientId,
            )
          : undefined,
      log: logger,
    });
  },
  { logsUsers: true },
);
