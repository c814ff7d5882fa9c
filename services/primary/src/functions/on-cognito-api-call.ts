// EventBridge rule on Cognito API calls recorded by CloudTrail: changes made outside cognito-dr's own paths (a user
// editing their profile, the console, another tool) are re-read from the primary pool and captured.
//
// Malformed or foreign events are logged and counted, never thrown: a retry could not make them any better.
// Transient failures (throttling, timeouts) are thrown, so Lambda's asynchronous retries (bounded in
// serverless.yml) try the event again; whatever still fails is repaired by the next reconcile.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type ApiCallOutcome, onCognitoApiCall } from '@cognito-dr/capture';
import { cognitoClient, envReader, tableClient, userRefKeyStep } from '@cognito-dr/shared';

// Event logging stays off: CloudTrail events can hold attribute values Cognito did not redact.
const logger = new Logger();
const metrics = new Metrics();

const env = envReader();
const region = env.required('AWS_REGION');
// Adaptive retry paces the sub lookups (ListUsers, 30 rps per pool) when a burst of events arrives.
const clientOptions = { region, maxAttempts: 5 };

const capture = onCognitoApiCall(
  {
    cognito: cognitoClient(clientOptions),
    table: tableClient(clientOptions),
    userPoolId: env.required('USER_POOL_ID'),
    tableName: env.required('TABLE_NAME'),
    origin: region,
    region,
    now: Date.now,
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
