// Cognito CustomMessage trigger of the primary pool: while the primary is standby (failed over), it sends nothing.
// In an adopted pool the pool's own CustomMessage trigger (param adoptedCustomMessage) then writes the message.
import { composedTrigger } from '@cognito-dr/adopt/handlers/composed-trigger';
import { handler as ours } from '@cognito-dr/failover/handlers/on-custom-message';

export const handler = composedTrigger('CustomMessage', ours);
