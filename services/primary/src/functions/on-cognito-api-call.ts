// EventBridge rule on CloudTrail-recorded Cognito calls in the primary region: changes made outside cognito-dr's own
// paths (a user editing their profile, the console, another tool) are re-read from the pool and captured.
export { handler } from '@cognito-dr/capture/handlers/on-cognito-api-call';
