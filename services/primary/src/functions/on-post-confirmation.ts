// Cognito PostConfirmation trigger of the primary pool: captures the confirmed user into the replication table,
// finishing first the migration of a user who came in from the backup pool through a password reset. In an adopted
// pool the pool's own PostConfirmation trigger (param adoptedPostConfirmation) runs first, so the capture sees what
// it did to the user.
import { composedTrigger } from '@cognito-dr/adopt/handlers/composed-trigger';
import { handler as ours } from '@cognito-dr/failover/handlers/on-post-confirmation';

export const handler = composedTrigger('PostConfirmation', ours);
