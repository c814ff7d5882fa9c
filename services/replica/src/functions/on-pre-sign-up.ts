// Cognito PreSignUp trigger of the backup pool: confirms the replicator client's sign-ups (new backup users) and,
// while the pool is on standby (normal times), refuses every other sign-up.
export { handler } from '@cognito-dr/failover/handlers/on-pre-sign-up';
