// Cognito PostConfirmation trigger of the backup pool: while this region is active (after a failover), captures
// the confirmed user into the replication table; on standby it does nothing.
export { handler } from '@cognito-dr/capture/handlers/on-post-confirmation';
