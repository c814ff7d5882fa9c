// Lambda handler of the once-a-minute region roles heartbeat, the same in both regions (core: heartbeat.ts).
// CONSUMER_MAPPING_UUID names this region's stream consumer's event source mapping, whose state it reports too;
// USER_POOL_ID this region's pool, whose posture it checks against the roles. The other region's replica of the
// control table (same name) is read in that region, to tell whether both regions believe themselves active.
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  cognitoClient,
  envReader,
  lambdaHandler,
  otherRegion,
  readRoles,
  rolesReaderFromEnv,
  TRIGGER_SAFE,
  tableClient,
} from '@cognito-dr/shared';
import { onRolesHeartbeat } from '../heartbeat';
import { readPoolPosture } from '../pool-posture';

export const handler = lambdaHandler(({ metrics }) => {
  const env = envReader();
  const region = env.required('AWS_REGION');
  const mappingUuid = env.optional('CONSUMER_MAPPING_UUID');
  const userPoolId = env.optional('USER_POOL_ID');
  const roles = {
    tableName: env.required('CONTROL_TABLE_NAME'),
    primaryRegion: env.required('PRIMARY_REGION'),
    backupRegion: env.required('BACKUP_REGION'),
  };
  const lambda = new LambdaClient({});
  const cognito = cognitoClient(TRIGGER_SAFE);
  // One quick try: the other region may be the one that is down.
  const otherTable = tableClient({
    region: otherRegion({ regions: [roles.primaryRegion, roles.backupRegion] }, region),
    maxAttempts: 1,
    requestTimeoutMs: 2_000,
  });
  const heartbeat = onRolesHeartbeat(
    rolesReaderFromEnv(env, tableClient()),
    region,
    metrics,
    mappingUuid
      ? async () => {
          const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: mappingUuid }));
          return { state: mapping.State, lastProcessingResult: mapping.LastProcessingResult };
        }
      : undefined,
    userPoolId
      ? {
          poolPosture: () => readPoolPosture(cognito, userPoolId),
          otherRegionRoles: () => readRoles({ ...roles, table: otherTable }),
        }
      : undefined,
  );
  return () => heartbeat();
});
