// Public surface of @cognito-dr/failover: each pool's posture for its role, the migration of users who signed up
// in the other region, and the commands that switch roles.

export {
  type CatchUpOptions,
  type CatchUpResult,
  catchUp,
  type PoolHandle,
  type UsersTable,
} from './catch-up';
export {
  adminAuthenticator,
  type CompletionDeps,
  type CompletionOutcome,
  completeMigration,
  type MigrationDeps,
  MigrationRefusedError,
  onUserMigration,
} from './migration';
export {
  autoVerifiedFor,
  checkPosture,
  identifiersOf,
  type PoolReading,
  type PostureCheck,
  postureOfPool,
  readingOfPool,
  readPoolPosture,
  setPoolPosture,
} from './pool-posture';
export {
  onCustomMessage,
  onPreAuthentication,
  onPreSignUp,
  type PostureDeps,
  type PreAuthenticationDeps,
  StandbyPoolError,
} from './posture';
export {
  type ActiveEndpoint,
  type FailbackReport,
  type FailoverReport,
  failback,
  failover,
  type RegionHandle,
  type SwitchDeps,
  SwitchIncompleteError,
  SwitchRefusedError,
  type SwitchStep,
} from './switch-roles';
