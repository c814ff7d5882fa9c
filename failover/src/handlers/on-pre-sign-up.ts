// Lambda handler of both pools' PreSignUp trigger: the public signs up only while the pool's region is active; in
// the backup pool (REPLICATOR_CLIENT_NAME set) the replicator client's sign-ups are confirmed, whatever the posture.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { cognitoClient, envReader, TRIGGER_SAFE, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { appClientByName } from '../app-client-by-name';
import { onPreSignUp } from '../posture';

const env = envReader();

// Event logging stays off: the event carries the new user's attributes.
const logger = new Logger();
const metrics = new Metrics();

const replicatorClientName = env.optional('REPLICATOR_CLIENT_NAME');

const decide = onPreSignUp(
  {
    isActive: thisRegionIsActive(env, tableClient()),
    ...(replicatorClientName
      ? {
          isReplicatorClient: appClientByName(
            cognitoClient({ ...TRIGGER_SAFE, region: env.required('AWS_REGION') }),
            replicatorClientName,
          ),
        }
      : {}),
  },
  (outcome, reason) => {
    if (outcome === 'refused') {
      logger.warn('sign-up refused', { reason });
      metrics.addMetric('SignUpsRefused', MetricUnit.Count, 1);
    }
  },
);

export const handler = async (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> => {
  try {
    return await decide(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
