// Lambda handler of the primary pool's PostAuthentication trigger: a user just migrated in (or restored) gets the
// groups and state of their record on this first sign-in. Users born in this pool cost nothing; it never fails the
// sign-in.
import { lambdaHandler } from '@cognito-dr/shared';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { migrationCompletion } from './completion';

export const handler = lambdaHandler<PostAuthenticationTriggerEvent, PostAuthenticationTriggerEvent>(
  ({ logger }) => {
    const { completionFor } = migrationCompletion(logger);
    return async (event) => {
      await completionFor(event.userPoolId)(event.userName, event.request.userAttributes);
      return event;
    };
  },
  { logsUsers: true },
);
