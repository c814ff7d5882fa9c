// Cognito PreAuthentication trigger of the primary pool: while the primary is standby (failed over), it signs nobody
// in. In an adopted pool the pool's own PreAuthentication trigger (param adoptedPreAuthentication) then decides too.
import { composedTrigger } from '@cognito-dr/adopt/handlers/composed-trigger';
import { handler as ours } from '@cognito-dr/failover/handlers/on-pre-authentication';

export const handler = composedTrigger('PreAuthentication', ours);
