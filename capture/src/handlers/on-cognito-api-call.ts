// Lambda handler of the EventBridge rule on CloudTrail-recorded Cognito calls, the same in both regions: each
// service's function file re-exports it, and its serverless.yml sets the environment and the rule.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  cognitoClient,
  envReader,
  notePoolSub,
  tableClient,
  thisRegionIsActive,
  usernameOfPoolSub,
  userRefKeyStep,
} from '@cognito-dr/shared';
import { type ApiCallOutcome, onCognitoApiCall } from '../capture-api-call';

// Event logging stays off: CloudTrail events can hold attribute values Cognito did not redact.
const logger = new Logger();
const metrics = new Metrics();

const env = envReader();
const region = env.required('AWS_REGION');
// Adaptive retry paces the sub lookups (ListUsers, 30 rps per pool) when a burst of events arrives.
const clientOptions = { region, maxAttempts: 5 };
const table = tableClient(clientOptions);
const state = { table, tableName: env.required('STATE_TABLE_NAME') };

const capture = onCognitoApiCall(
  {
    cognito: cognitoClient(clientOptions),
    table,
    userPoolId: env.required('USER_POOL_ID'),
    tableName: env.required('TABLE_NAME'),
    origin: region,
    region,
    now: Date.now,
    isActive: thisRegionIsActive(env, table),
    notePoolSub: (sub, username) => notePoolSub(state, sub, username),
    usernameOfPoolSub: (sub) => usernameOfPoolSub(state, sub),
  },
  logger,
  metrics,
);

const userRefKey = userRefKeyStep((message, details) => logger.warn(message, details));

export const handler = async (event: unknown): Promise<ApiCallOutcome> => {
  try {
    await userRefKey();
    return await capture(event);
  } finally {
    metrics.publishStoredMetrics();
  }
};
