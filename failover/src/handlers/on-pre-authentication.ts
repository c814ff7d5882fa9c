// Lambda handler of both pools' PreAuthentication trigger: a pool signs users in only while its region is active; in
// the backup pool (MIGRATION_CLIENT_NAME set) the primary's migration check through that client passes whatever the
// posture.
import {
  cognitoClient,
  envReader,
  lambdaHandler,
  TRIGGER_SAFE,
  tableClient,
  thisRegionIsActive,
} from '@cognito-dr/shared';
import type { PreAuthenticationTriggerEvent } from 'aws-lambda';
import { appClientByName } from '../app-client-by-name';
import { onPreAuthentication } from '../posture';

export const handler = lambdaHandler<PreAuthenticationTriggerEvent, PreAuthenticationTriggerEvent>(() => {
  const env = envReader();
  const migrationClientName = env.optional('MIGRATION_CLIENT_NAME');
  return onPreAuthentication({
    isActive: thisRegionIsActive(env, tableClient()),
    ...(migrationClientName
      ? {
          isMigrationClient: appClientByName(
            cognitoClient({ ...TRIGGER_SAFE, region: env.required('AWS_REGION') }),
            migrationClientName,
          ),
        }
      : {}),
  });
});
