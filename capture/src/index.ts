// Public surface of @cognito-dr/capture: how a change in the active region's pool becomes a user or group record.
export {
  type ApiCallSignal,
  GROUP_CHANGING_CALLS,
  readApiCallSignal,
  USER_CHANGING_CALLS,
  type UserChangingCall,
} from './api-call-signal';
export { type ApiCallDeps, type ApiCallOutcome, onCognitoApiCall } from './capture-api-call';
export { captureGroup } from './capture-group';
export { type CaptureDeps, type CaptureResult, captureUser } from './capture-user';
export { onPostConfirmation } from './post-confirmation';
