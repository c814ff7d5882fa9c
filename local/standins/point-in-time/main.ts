// LOCAL ONLY: stands in for DynamoDB point-in-time recovery of one region's users table, which DynamoDB Local does
// not have. It keeps the table's history from its stream (history.ts) and answers the two DynamoDB operations of
// point-in-time recovery at its own endpoint, as DynamoDB would: DescribeContinuousBackups (the restorable window)
// and RestoreTableToPointInTime (a new table holding the items as they were then, made in DynamoDB Local). Every
// other call goes to DynamoDB itself, so a tool sends these two here and the rest to the region's endpoint.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { fileCheckpointStore } from '../../lib/checkpoint-store';
import { localClientConfig, requireEnv } from '../../lib/local-aws';
import { StreamTailer } from '../../lib/stream-tailer';
import { latestStreamArn } from '../../lib/streams';
import { History, type Item } from './history';

const region = requireEnv('REGION');
const endpoint = requireEnv('DYNAMODB_ENDPOINT');
const tableName = requireEnv('TABLE_NAME');
const port = Number(requireEnv('PORT'));
/** An idle stream is polled less often than replication's stand-in does: every stack of the test suite runs two. */
const IDLE_MS = 250;
/** Every change made before this time is in the history (the tailer's last poll that found nothing new began then). */
let caughtUpTo = 0;

const dynamodb = new DynamoDBClient(localClientConfig(region, endpoint));
const history = new History(requireEnv('HISTORY_FILE'), Date.now());

class DynamoDbError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const window = () => ({ earliest: history.since, latest: Math.max(history.since, caughtUpTo) });

const describeContinuousBackups = (request: { TableName?: string }) => {
  if (request.TableName !== tableName)
    throw new DynamoDbError('TableNotFoundException', `Table not found: ${request.TableName}`);
  const { earliest, latest } = window();
  return {
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: {
        PointInTimeRecoveryStatus: 'ENABLED',
        EarliestRestorableDateTime: earliest / 1000,
        LatestRestorableDateTime: latest / 1000,
      },
    },
  };
};

const restoreTableToPointInTime = async (request: {
  SourceTableName?: string;
  TargetTableName?: string;
  RestoreDateTime?: number;
  UseLatestRestorableTime?: boolean;
}) => {
  if (request.SourceTableName !== tableName)
    throw new DynamoDbError('TableNotFoundException', `Table not found: ${request.SourceTableName}`);
  if (!request.TargetTableName) throw new DynamoDbError('ValidationException', 'TargetTableName is required');
  const { earliest, latest } = window();
  const time = request.UseLatestRestorableTime ? latest : (request.RestoreDateTime ?? Number.NaN) * 1000;
  if (!(time >= earliest && time <= latest)) {
    throw new DynamoDbError(
      'InvalidRestoreTimeException',
      `RestoreDateTime must be between ${new Date(earliest).toISOString()} and ${new Date(latest).toISOString()}`,
    );
  }
  const { Table: source } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const keySchema = source?.KeySchema as KeySchemaElement[];
  const indexes = source?.GlobalSecondaryIndexes ?? [];
  const keyNames = new Set([
    ...keySchema.map((k) => k.AttributeName),
    ...indexes.flatMap((index) => (index.KeySchema ?? []).map((k) => k.AttributeName)),
  ]);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: request.TargetTableName,
      KeySchema: keySchema,
      AttributeDefinitions: (source?.AttributeDefinitions ?? []).filter((d) => keyNames.has(d.AttributeName)),
      BillingMode: 'PAY_PER_REQUEST',
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            })),
          }
        : {}),
    }),
  );
  const items: Item[] = history.itemsAt(time);
  for (let start = 0; start < items.length; start += 25) {
    let pending = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const { UnprocessedItems } = await dynamodb.send(
        new BatchWriteItemCommand({ RequestItems: { [request.TargetTableName]: pending } }),
      );
      pending = (UnprocessedItems?.[request.TargetTableName] ?? []) as typeof pending;
    }
  }
  process.stdout.write(
    `restored ${tableName} as of ${new Date(time).toISOString()} to ${request.TargetTableName}: ${items.length} items\n`,
  );
  // What a caller uses of DynamoDB's answer; DynamoDB would say CREATING, and the caller waits for ACTIVE anyway.
  return {
    TableDescription: {
      TableName: request.TargetTableName,
      TableStatus: 'ACTIVE',
      KeySchema: keySchema,
      CreationDateTime: Date.now() / 1000,
    },
  };
};

/**
 * When a change was made: the item's own updatedAt (ms; records and group items carry it, and a replicated copy
 * keeps its writer's), else the stream's creation time, else now. Reading time would place a change late whenever
 * the tailer lags, and a restore would miss what the table already held.
 */
const changedAt = (image: Item | null, streamTime: Date | undefined): number => {
  const updatedAt = Number(image?.updatedAt?.N);
  if (Number.isFinite(updatedAt) && updatedAt > 0) return updatedAt;
  return streamTime?.getTime() ?? Date.now();
};

const OPERATIONS: Record<string, (request: never) => unknown> = {
  DescribeContinuousBackups: describeContinuousBackups,
  RestoreTableToPointInTime: restoreTableToPointInTime,
};

const answer = async (request: IncomingMessage, response: ServerResponse) => {
  let body = '';
  for await (const chunk of request) body += chunk;
  const operation = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
  const send = (status: number, payload: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(payload));
  };
  try {
    const handler = OPERATIONS[operation];
    if (!handler)
      throw new DynamoDbError(
        'UnknownOperationException',
        `${operation}: only point-in-time recovery is here`,
      );
    send(200, await handler(JSON.parse(body || '{}') as never));
  } catch (error) {
    const type = error instanceof DynamoDbError ? error.type : 'InternalServerError';
    send(error instanceof DynamoDbError ? 400 : 500, {
      __type: `com.amazonaws.dynamodb.v20120810#${type}`,
      message: (error as Error).message,
    });
  }
};

const main = async () => {
  const streams = new DynamoDBStreamsClient(localClientConfig(region, endpoint));
  const tailer = new StreamTailer({
    streams,
    streamArn: await latestStreamArn(dynamodb, tableName),
    checkpoints: fileCheckpointStore(requireEnv('CHECKPOINT_FILE')),
    batchSize: 100,
    idleMs: IDLE_MS,
    onRecords: async (records) => {
      for (const record of records) {
        const key = record.dynamodb?.Keys as Item | undefined;
        if (!key) continue;
        const image = (record.dynamodb?.NewImage as Item | undefined) ?? null;
        history.append({ at: changedAt(image, record.dynamodb?.ApproximateCreationDateTime), key, image });
      }
    },
    onCaughtUp: (since) => {
      caughtUpTo = since;
    },
    onError: (error) =>
      process.stderr.write(`reading ${tableName}'s stream failed, retrying: ${String(error)}\n`),
  });
  tailer.start();
  const server = createServer((request, response) => void answer(request, response));
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  process.stdout.write(`point-in-time recovery stand-in for ${tableName} in ${region} on port ${port}\n`);
  const stop = async () => {
    server.close();
    await tailer.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

main().catch((error) => {
  process.stderr.write(`point-in-time recovery stand-in failed: ${String(error)}\n`);
  process.exit(1);
});
