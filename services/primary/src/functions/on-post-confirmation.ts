// Cognito PostConfirmation trigger of the primary pool: captures the confirmed user into the replication table.
export { handler } from '@cognito-dr/capture/src/handlers/on-post-confirmation';
