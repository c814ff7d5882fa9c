// Lambda handler of the once-a-minute region roles heartbeat, the same in both regions (core: heartbeat.ts).
import { Metrics } from '@aws-lambda-powertools/metrics';
import { envReader, rolesReaderFromEnv, tableClient } from '@cognito-dr/shared';
import { onRolesHeartbeat } from '../heartbeat';

const env = envReader();
const metrics = new Metrics();
const heartbeat = onRolesHeartbeat(
  rolesReaderFromEnv(env, tableClient()),
  env.required('AWS_REGION'),
  metrics,
);

export const handler = async () => {
  try {
    return await heartbeat();
  } finally {
    metrics.publishStoredMetrics();
  }
};
