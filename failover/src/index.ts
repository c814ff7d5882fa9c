// Public surface of @cognito-dr/failover: each pool's posture for its role, the migration of users who signed up
// in the other region, and the commands that switch roles.
export {
  adminAuthenticator,
  type CompletionDeps,
  type CompletionOutcome,
  completeMigration,
  type MigrationDeps,
  MigrationRefusedError,
  onUserMigration,
} from './migration';
export { onCustomMessage, onPreSignUp, type PostureDeps, StandbyPoolError } from './posture';
