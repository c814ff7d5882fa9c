// Lambda handler of the backup pool's PostConfirmation trigger (services/replica re-exports it, its serverless.yml
// sets the environment). The primary pool's trigger is failover's handler of the same name, which finishes a
// migrating user first and then captures with the same core, onPostConfirmation.
import {
  cognitoClient,
  envReader,
  lambdaHandler,
  notePasswordReset,
  notePoolSub,
  tableClient,
  thisRegionIsActive,
} from '@cognito-dr/shared';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { onPostConfirmation } from '../post-confirmation';

export const handler = lambdaHandler<PostConfirmationTriggerEvent, PostConfirmationTriggerEvent>(
  ({ logger, metrics }) => {
    const env = envReader();
    const region = env.required('AWS_REGION');
    const table = tableClient();
    const state = { table, tableName: env.required('STATE_TABLE_NAME') };
    return onPostConfirmation(
      {
        cognito: cognitoClient(),
        table,
        tableName: env.required('TABLE_NAME'),
        origin: region,
        now: Date.now,
        isActive: thisRegionIsActive(env, table),
        noteReset: (username) => notePasswordReset(state, username, Date.now()),
        notePoolSub: (sub, username) => notePoolSub(state, sub, username),
      },
      logger,
      metrics,
    );
  },
  { logsUsers: true },
);
