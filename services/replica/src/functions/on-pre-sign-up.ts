// Cognito PreSignUp trigger of the backup pool: confirms the replicator's sign-ups, refuses the others while the
// pool is on standby (core: lib/pre-sign-up.ts).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { cognitoClient, envReader, TRIGGER_SAFE } from '@cognito-dr/shared';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { onPreSignUp, replicatorClientByName } from '../lib/pre-sign-up';

const env = envReader();

// Event logging stays off: the event carries the new user's attributes.
const logger = new Logger({ serviceName: 'replica' });
const metrics = new Metrics({ namespace: 'CognitoDR', serviceName: 'replica' });

const decide = onPreSignUp(
  {
    isReplicatorClient: replicatorClientByName(
      cognitoClient({ ...TRIGGER_SAFE, region: env.required('AWS_REGION') }),
      env.required('REPLICATOR_CLIENT_NAME'),
    ),
    // The backup pool is the standby copy until region roles say otherwise (they will decide this here).
    isStandby: async () => true,
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
