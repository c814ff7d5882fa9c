// Lambda handler of the primary pool's PostConfirmation trigger: captures the confirmed user, as in the backup pool,
// but first finishes the migration of a user who came in through a password reset (groups, enabled state), so the
// record is never overwritten with a half-migrated user.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { onPostConfirmation } from '@cognito-dr/capture';
import { envReader, notePasswordReset, notePoolSub } from '@cognito-dr/shared';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { cognito, completionFor, isActive, state, table, userRefKey } from './completion';

const env = envReader();
const logger = new Logger();
const metrics = new Metrics();

const capture = onPostConfirmation(
  {
    cognito,
    table,
    tableName: env.required('TABLE_NAME'),
    origin: env.required('AWS_REGION'),
    now: Date.now,
    isActive,
    beforeCapture: (event) => completionFor(event.userPoolId)(event.userName, event.request.userAttributes),
    noteReset: (username) => notePasswordReset(state, username, Date.now()),
    notePoolSub: (sub, username) => notePoolSub(state, sub, username),
  },
  logger,
  metrics,
);

export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  try {
    await userRefKey();
    return await capture(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
