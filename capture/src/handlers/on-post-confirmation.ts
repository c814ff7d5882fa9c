// Lambda handler of the backup pool's PostConfirmation trigger (services/replica re-exports it, its serverless.yml
// sets the environment). The primary pool's trigger is failover's handler of the same name, which finishes a
// migrating user first and then captures with the same core, onPostConfirmation.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  cognitoClient,
  envReader,
  notePasswordReset,
  notePoolSub,
  tableClient,
  thisRegionIsActive,
  userRefKeyStep,
} from '@cognito-dr/shared';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { onPostConfirmation } from '../post-confirmation';

const env = envReader();
const region = env.required('AWS_REGION');
const table = tableClient();
const state = { table, tableName: env.required('STATE_TABLE_NAME') };
const logger = new Logger();
const metrics = new Metrics();

const capture = onPostConfirmation(
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

const userRefKey = userRefKeyStep((message, details) => logger.warn(message, details));

export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  try {
    await userRefKey();
    return await capture(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
