// LOCAL ONLY: stands in for the Lambda event source mapping that, in AWS, feeds a region's replication table stream
// to that region's consumer function. It invokes the function through serverless-offline's Lambda endpoint with
// the settings its serverless.yml gives the stream event (filters included), and writes exhausted batches to a
// JSON-lines file where AWS would use the SQS on-failure destination.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type _Record, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fileCheckpointStore } from '../../lib/checkpoint-store';
import { LOCAL_CREDENTIALS, localClientConfig, requireEnv } from '../../lib/local-aws';
import { StreamTailer } from '../../lib/stream-tailer';
import { latestStreamArn } from '../../lib/streams';
import { deliverBatch, type InvokeResult, toLambdaEvent } from './deliver-batch';
import { matchesAnyPattern } from './event-filter';
import { readStreamEventSettings } from './stream-event-settings';

const dynamodbEndpoint = requireEnv('DYNAMODB_ENDPOINT');
const region = requireEnv('REGION');
const tableName = requireEnv('TABLE_NAME');
const lambdaEndpoint = requireEnv('LAMBDA_ENDPOINT');
const functionName = requireEnv('FUNCTION_NAME');
const serverlessYml = requireEnv('SERVERLESS_YML');
const functionKey = requireEnv('FUNCTION_KEY');
const failureFile = requireEnv('FAILURE_DESTINATION_FILE');
const checkpointFile = requireEnv('CHECKPOINT_FILE');
const idleMs = Number(process.env.POLL_IDLE_MS ?? '25');
/** PARAMS: the serverless params the stream event's filter patterns name, e.g. {"backupRegion": "ap-northeast-1"}. */
const params = JSON.parse(process.env.PARAMS ?? '{}') as Record<string, string>;

const main = async () => {
  const settings = readStreamEventSettings(serverlessYml, functionKey, params);
  const wanted = (record: _Record) =>
    matchesAnyPattern(settings.filterPatterns, toLambdaEvent([record], '', region).Records[0]);
  const lambda = new LambdaClient({
    region,
    endpoint: lambdaEndpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const streamArn = await latestStreamArn(
    new DynamoDBClient(localClientConfig(region, dynamodbEndpoint)),
    tableName,
  );

  const invoke = async (event: unknown): Promise<InvokeResult> => {
    try {
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
      );
      const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : 'null';
      const payload = text ? JSON.parse(text) : null;
      if (response.FunctionError) {
        return {
          ok: false,
          errorType: payload?.errorType ?? response.FunctionError,
          errorMessage: payload?.errorMessage ?? '',
        };
      }
      return { ok: true, payload };
    } catch (error) {
      // The endpoint itself failing counts as a function error: the batch is retried, never skipped silently.
      return {
        ok: false,
        errorType: error instanceof Error ? error.name : 'Error',
        errorMessage: String(error),
      };
    }
  };

  mkdirSync(dirname(failureFile), { recursive: true });
  const tailer = new StreamTailer({
    streams: new DynamoDBStreamsClient(localClientConfig(region, dynamodbEndpoint)),
    streamArn,
    checkpoints: fileCheckpointStore(checkpointFile),
    batchSize: settings.batchSize,
    idleMs,
    onRecords: async (all, shardId) => {
      // Filtered records are consumed without an invocation, as Lambda does.
      const records = all.filter(wanted);
      if (records.length === 0) return;
      await deliverBatch(
        {
          invoke,
          sendToFailureDestination: async (entry) => {
            appendFileSync(failureFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
            process.stdout.write(`batch of ${entry.DDBStreamBatchInfo.batchSize} sent to ${failureFile}\n`);
          },
          settings,
          functionName,
          streamArn,
          region,
          retryPause: (attempt) =>
            new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000))),
        },
        records,
        shardId,
      );
    },
    onError: (error) => process.stderr.write(`stream read failed, retrying: ${String(error)}\n`),
  });
  tailer.start();
  process.stdout.write(`event source mapping stand-in: ${tableName} (${region}) -> ${functionName}\n`);
  const stop = async () => {
    await tailer.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

main().catch((error) => {
  process.stderr.write(`event source mapping stand-in failed: ${String(error)}\n`);
  process.exit(1);
});
