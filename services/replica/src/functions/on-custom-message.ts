// Cognito CustomMessage trigger of the backup pool: on standby (normal times) it sends nobody anything.
export { handler } from '@cognito-dr/failover/handlers/on-custom-message';
