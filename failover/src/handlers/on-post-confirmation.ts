// Lambda handler of the primary pool's PostConfirmation trigger: captures the confirmed user, as in the backup pool,
// but first finishes the migration of a user who came in through a password reset (groups, enabled state), so the
// record is never overwritten with a half-migrated user.
import { onPostConfirmation } from '@cognito-dr/capture';
import { lambdaHandler, notePasswordReset, notePoolSub } from '@cognito-dr/shared';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { migrationCompletion } from './completion';

export const handler = lambdaHandler<PostConfirmationTriggerEvent, PostConfirmationTriggerEvent>(
  ({ logger, metrics }) => {
    const { region, tableName, cognito, table, isActive, state, completionFor } = migrationCompletion(logger);
    return onPostConfirmation(
      {
        cognito,
        table,
        tableName,
        origin: region,
        now: Date.now,
        isActive,
        beforeCapture: (event) =>
          completionFor(event.userPoolId)(event.userName, event.request.userAttributes),
        noteReset: (username) => notePasswordReset(state, username, Date.now()),
        notePoolSub: (sub, username) => notePoolSub(state, sub, username),
      },
      logger,
      metrics,
    );
  },
  { logsUsers: true },
);
