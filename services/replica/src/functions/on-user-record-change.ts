// Lambda on the replication table's stream in the backup region: every changed user record converges the backup pool.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import {
  type ApplyDeps,
  applyRecordChange,
  CALL_MARGIN_MS,
  type DeadLetterSink,
  fileDeadLetterSink,
  governedCognitoClient,
  noDeadLetterSink,
  processStreamBatch,
  REQUEST_TIMEOUT_MS,
  replicatorClient,
  sqsDeadLetterSink,
} from '@cognito-dr/apply';
import { getRecords, sqsClient, systemClock, tableClient, userRefKeyStep } from '@cognito-dr/shared';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { readReplicaConfig } from '../lib/config';

const config = readReplicaConfig(process.env);

// Event logging stays off: stream images are user attributes.
const logger = new Logger({ serviceName: 'replica' });
const metrics = new Metrics({ namespace: 'CognitoDR', serviceName: 'replica' });

/** When the current invocation must have returned (epoch ms); set as each invocation starts. */
let deadline = Number.POSITIVE_INFINITY;

// Cognito calls are paced per quota category and retried by the governor, which knows the deadline: whatever
// still fails is reported back to the stream, never dropped. No `endpoint` is passed, so the SDK's own
// AWS_ENDPOINT_URL_* variables point these clients at the local emulators.
const { cognito, governor } = governedCognitoClient({
  region: config.region,
  quotaShare: config.quotaShare,
  cutoff: () => deadline - CALL_MARGIN_MS,
  clock: systemClock,
});
const clientConfig = { region: config.region, maxAttempts: 6, requestTimeoutMs: REQUEST_TIMEOUT_MS };

const applyDeps: ApplyDeps = {
  cognito,
  table: tableClient(clientConfig),
  userPoolId: config.backupUserPoolId,
  tableName: config.tableName,
  region: config.region,
  now: Date.now,
  ...(config.replicatorClientId
    ? { replicator: replicatorClient(cognito, config.backupUserPoolId, config.replicatorClientId) }
    : {}),
};

const deadLetter: DeadLetterSink =
  config.deadLetter.kind === 'sqs'
    ? sqsDeadLetterSink(sqsClient(clientConfig), config.deadLetter.queueUrl)
    : config.deadLetter.kind === 'file'
      ? fileDeadLetterSink(config.deadLetter.path)
      : noDeadLetterSink;
if (config.deadLetter.kind === 'none') {
  logger.warn(
    'no dead-letter sink configured: permanently failing records will block their shard until retries run out',
  );
}

const onUserRecordChange = (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  deadline = Date.now() + context.getRemainingTimeInMillis();
  return processStreamBatch(event, {
    apply: (change, known) => applyRecordChange(applyDeps, change, known),
    readRecords: (usernames) => getRecords(applyDeps.table, applyDeps.tableName, usernames),
    deadLetter,
    logger,
    metrics,
    now: Date.now,
    timeLeftMs: () => deadline - Date.now(),
    pacing: () => governor.snapshot(),
  });
};

const userRefKey = userRefKeyStep((message, details) => logger.warn(message, details));

export const handler = middy(onUserRecordChange)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use({ before: userRefKey })
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
