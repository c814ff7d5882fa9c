// Cognito UserMigration trigger of the primary pool: users who signed up in the backup pool during a failover come
// in with their password on first sign-in, or through a password reset. In an adopted pool, a user cognito-dr has
// no record of is left to the pool's own UserMigration trigger (param adoptedUserMigration), unless the pool is
// standby, which migrates nobody in.
import { composedTrigger } from '@cognito-dr/adopt/handlers/composed-trigger';
import { handler as ours } from '@cognito-dr/failover/handlers/on-user-migration';
import { errorName } from '@cognito-dr/shared';

export const handler = composedTrigger(
  'UserMigration',
  ours,
  (error) =>
    errorName(error) === 'MigrationRefusedError' &&
    (error as { reason?: string }).reason !== 'standby-region',
);
