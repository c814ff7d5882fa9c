// Cognito PreSignUp trigger of the primary pool: while the primary is standby (failed over), nobody signs up here.
export { handler } from '@cognito-dr/failover/src/handlers/on-pre-sign-up';
