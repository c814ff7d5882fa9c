// Lambda handler of both pools' PreAuthentication trigger: a pool signs users in only while its region is active; in
// the backup pool (MIGRATION_CLIENT_NAME set) the primary's migration check through that client passes whatever the
// posture.
import { envReader, lambdaHandler, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import type { PreAuthenticationTriggerEvent } from 'aws-lambda';
import { onPreAuthentication } from '../posture';
import { trustedClientFromEnv } from './trusted-client';

export const handler = lambdaHandler<PreAuthenticationTriggerEvent, PreAuthenticationTriggerEvent>(() => {
  const env = envReader();
  const isMigrationClient = trustedClientFromEnv(env, 'MIGRATION_CLIENT_NAME');
  return onPreAuthentication({
    isActive: thisRegionIsActive(env, tableClient()),
    ...(isMigrationClient ? { isMigrationClient } : {}),
  });
});
