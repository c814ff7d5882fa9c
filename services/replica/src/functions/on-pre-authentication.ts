// Cognito PreAuthentication trigger of the backup pool: on standby (normal times) it signs nobody in but the
// primary's migration check, which reaches it through the migration client.
export { handler } from '@cognito-dr/failover/handlers/on-pre-authentication';
