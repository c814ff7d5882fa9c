// Cognito UserMigration trigger of the primary pool: users who signed up in the backup pool during a failover come
// in with their password on first sign-in, or through a password reset.
export { handler } from '@cognito-dr/failover/src/handlers/on-user-migration';
