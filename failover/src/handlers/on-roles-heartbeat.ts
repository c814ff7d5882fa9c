// Lambda handler of the once-a-minute region roles heartbeat, the same in both regions (core: heartbeat.ts).
// CONSUMER_MAPPING_UUID names this region's stream consumer's event source mapping, whose state it reports too.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { envReader, rolesReaderFromEnv, tableClient } from '@cognito-dr/shared';
import { onRolesHeartbeat } from '../heartbeat';

const env = envReader();
const metrics = new Metrics();
const mappingUuid = env.optional('CONSUMER_MAPPING_UUID');
const lambda = new LambdaClient({});
const heartbeat = onRolesHeartbeat(
  rolesReaderFromEnv(env, tableClient()),
  env.required('AWS_REGION'),
  metrics,
  mappingUuid
    ? async () => {
        const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: mappingUuid }));
        return { state: mapping.State, lastProcessingResult: mapping.LastProcessingResult };
      }
    : undefined,
);

export const handler = async () => {
  try {
    return await heartbeat();
  } finally {
    metrics.publishStoredMetrics();
  }
};
