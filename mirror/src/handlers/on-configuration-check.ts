// Lambda handler of the replica's scheduled configuration check: the primary pool (read across regions) against
// this region's backup pool, published as ConfigurationDrift (alarmed when above 0).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { cognitoClient, configurationApi, envReader, lambdaHandler } from '@cognito-dr/shared';
import { checkConfiguration } from '../configuration-check';

export const handler = lambdaHandler<unknown, void>(({ logger, metrics }) => {
  const env = envReader();
  const primaryRegion = env.required('PRIMARY_REGION');
  const backupRegion = env.required('AWS_REGION');
  const primaryPoolId = env.optional('PRIMARY_USER_POOL_ID');
  const backupPoolId = env.required('BACKUP_USER_POOL_ID');
  const primary = configurationApi(cognitoClient({ region: primaryRegion, maxAttempts: 5 }));
  const backup = configurationApi(cognitoClient({ region: backupRegion, maxAttempts: 5 }));
  return async () => {
    // Deployed without compose, the replica does not know the primary pool: nothing to compare with.
    if (!primaryPoolId) {
      logger.warn('no primary pool to compare with (param primaryUserPoolId is empty)');
      return;
    }
    await checkConfiguration({
      primary: { api: primary, userPoolId: primaryPoolId, where: primaryRegion },
      backup: { api: backup, userPoolId: backupPoolId, where: backupRegion },
      publish: (differences) => metrics.addMetric('ConfigurationDrift', MetricUnit.Count, differences),
      log: logger,
    });
  };
});
