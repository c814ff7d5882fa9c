// EventBridge rule on CloudTrail-recorded Cognito calls in the backup region: while this region is active (after a
// failover), changes to the backup pool made outside sign-up are re-read and captured; on standby it does nothing.
export { handler } from '@cognito-dr/capture/handlers/on-cognito-api-call';
