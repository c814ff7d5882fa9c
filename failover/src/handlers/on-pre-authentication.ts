// Lambda handler of both pools' PreAuthentication trigger: a pool signs users in only while its region is active; in
// the backup pool (MIGRATION_CLIENT_NAME set) the primary's migration check through that client passes whatever the
// posture.
import { cognitoClient, envReader, TRIGGER_SAFE, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import { appClientByName } from '../app-client-by-name';
import { onPreAuthentication } from '../posture';

const env = envReader();
const migrationClientName = env.optional('MIGRATION_CLIENT_NAME');

// Event logging stays off: the event carries the user's attributes.
export const handler = onPreAuthentication({
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
