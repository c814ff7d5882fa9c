// Cognito PostConfirmation trigger (sign-up confirmed, or password reset confirmed): captures the user's full
// snapshot into the replication table, from where it reaches the backup pool.
//
// It never fails the trigger. In AWS a PostConfirmation error is shown to the user as a failed confirmation
// although Cognito has already confirmed them, so throwing would only break sign-up and protect nothing. A
// capture that fails is logged and counted (CaptureFailed, alarmed) and the reconciler writes the record later.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type CaptureDeps, captureUser, userRef } from '@cognito-dr/shared';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { cognitoClient, tableClient } from '../lib/aws-clients';
import { requireEnv } from '../lib/config';

const logger = new Logger();
const metrics = new Metrics();

const tableName = requireEnv('TABLE_NAME');
const origin = requireEnv('AWS_REGION');
const cognito = cognitoClient();
const table = tableClient();

export const onPostConfirmation =
  (
    deps: Omit<CaptureDeps, 'userPoolId'>,
    log: Pick<Logger, 'info' | 'error'>,
    count: Pick<Metrics, 'addMetric'>,
  ) =>
  async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
    const user = userRef(event.userName);
    const started = Date.now();
    try {
      const { result, version } = await captureUser(
        { ...deps, userPoolId: event.userPoolId },
        event.userName,
      );
      log.info('user captured', {
        user,
        trigger: event.triggerSource,
        result,
        version,
        ms: Date.now() - started,
      });
      count.addMetric('UsersCaptured', MetricUnit.Count, 1);
    } catch (error) {
      log.error('capture failed; the reconciler will repair the record', {
        user,
        trigger: event.triggerSource,
        error: error instanceof Error ? error.name : 'unknown',
      });
      count.addMetric('CaptureFailed', MetricUnit.Count, 1);
    }
    return event;
  };

const capture = onPostConfirmation({ cognito, table, tableName, origin, now: Date.now }, logger, metrics);

export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  try {
    return await capture(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
