// Cognito PreSignUp trigger of the primary pool: while the primary is standby (failed over), nobody signs up here.
// In an adopted pool it then calls the pool's own PreSignUp trigger (param adoptedPreSignUp).
import { composedTrigger } from '@cognito-dr/adopt/handlers/composed-trigger';
import { handler as ours } from '@cognito-dr/failover/handlers/on-pre-sign-up';

export const handler = composedTrigger('PreSignUp', ours);
