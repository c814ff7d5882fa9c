// Lambda handler of the primary pool's PostAuthentication trigger: a user just migrated in (or restored) gets the
// groups and state of their record on this first sign-in. Users born in this pool cost nothing; it never fails the
// sign-in.
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { completionFor, userRefKey } from './completion';

export const handler = async (
  event: PostAuthenticationTriggerEvent,
): Promise<PostAuthenticationTriggerEvent> => {
  await userRefKey();
  await completionFor(event.userPoolId)(event.userName, event.request.userAttributes);
  return event;
};
