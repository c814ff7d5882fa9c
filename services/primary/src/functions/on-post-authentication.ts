// Cognito PostAuthentication trigger of the primary pool: a user's first sign-in after migrating in brings the
// groups and state of their record. In an adopted pool it then calls the pool's own (param adoptedPostAuthentication).
import { composedTrigger } from '@cognito-dr/adopt/handlers/composed-trigger';
import { handler as ours } from '@cognito-dr/failover/handlers/on-post-authentication';

export const handler = composedTrigger('PostAuthentication', ours);
