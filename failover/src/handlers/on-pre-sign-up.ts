// Lambda handler of both pools' PreSignUp trigger: the public signs up only while the pool's region is active; in
// the backup pool (REPLICATOR_CLIENT_NAME set) the replicator client's sign-ups are confirmed, whatever the posture.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { envReader, lambdaHandler, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { onPreSignUp } from '../posture';
import { trustedClientFromEnv } from './trusted-client';

export const handler = lambdaHandler<PreSignUpTriggerEvent, PreSignUpTriggerEvent>(({ logger, metrics }) => {
  const env = envReader();
  const isReplicatorClient = trustedClientFromEnv(env, 'REPLICATOR_CLIENT_NAME');
  return onPreSignUp(
    {
      isActive: thisRegionIsActive(env, tableClient()),
      ...(isReplicatorClient ? { isReplicatorClient } : {}),
    },
    (outcome, reason) => {
      if (outcome === 'refused') {
        logger.warn('sign-up refused', { reason });
        metrics.addMetric('SignUpsRefused', MetricUnit.Count, 1);
      }
    },
  );
});
