// Cognito CustomMessage trigger of the primary pool: while the primary is standby (failed over), it sends nothing.
export { handler } from '@cognito-dr/failover/src/handlers/on-custom-message';
