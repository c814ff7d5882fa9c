// Cognito PostConfirmation trigger of the primary pool: captures the confirmed user into the replication table
// (core: @cognito-dr/capture post-confirmation.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { onPostConfirmation } from '@cognito-dr/capture';
import { cognitoClient, envReader, tableClient, userRefKeyStep } from '@cognito-dr/shared';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';

const env = envReader();

const logger = new Logger();
const metrics = new Metrics();

const capture = onPostConfirmation(
  {
    cognito: cognitoClient(),
    table: tableClient(),
    tableName: env.required('TABLE_NAME'),
    origin: env.required('AWS_REGION'),
    now: Date.now,
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
