// Lambda handler of both pools' PreSignUp trigger: the public signs up only while the pool's region is active; in
// the backup pool (REPLICATOR_CLIENT_NAME set) the replicator client's sign-ups are confirmed, whatever the posture.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  cognitoClient,
  envReader,
  lambdaHandler,
  TRIGGER_SAFE,
  tableClient,
  thisRegionIsActive,
} from '@cognito-dr/shared';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { appClientByName } from '../app-client-by-name';
import { onPreSignUp } from '../posture';

export const handler = lambdaHandler<PreSignUpTriggerEvent, PreSignUpTriggerEvent>(({ logger, metrics }) => {
  const env = envReader();
  const replicatorClientName = env.optional('REPLICATOR_CLIENT_NAME');
  return onPreSignUp(
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
});
