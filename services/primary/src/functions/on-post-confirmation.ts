// Cognito PostConfirmation trigger of the primary pool: captures the confirmed user into the replication table,
// finishing first the migration of a user who came in from the backup pool through a password reset.
export { handler } from '@cognito-dr/failover/src/handlers/on-post-confirmation';
