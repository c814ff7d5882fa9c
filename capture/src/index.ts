// Public surface of @cognito-dr/capture: how a change in the active region's pool becomes a user record.
export {
  type ApiCallSignal,
  readApiCallSignal,
  USER_CHANGING_CALLS,
  type UserChangingCall,
} from './api-call-signal';
export { type ApiCallDeps, type ApiCallOutcome, onCognitoApiCall } from './capture-api-call';
export { type CaptureDeps, type CaptureResult, captureUser } from './capture-user';
export { onPostConfirmation } from './post-confirmation';
