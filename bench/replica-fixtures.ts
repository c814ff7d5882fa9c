// What the replica benches give the handler: users' records, a table of its own holding them, a Lambda context.
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StackInfo } from '@cognito-dr/shared';
import { recordFromCognitoUser, recordToItem, type UserRecord } from '@cognito-dr/shared';
import type { Context } from 'aws-lambda';
import { readTableDefinition } from '../local/stack/table-definition';

const root = resolve(__dirname, '..');

/** `count` confirmed users named `${prefix}-${i}`, with custom attributes, as the primary would record them. */
export const benchRecords = (count: number, prefix: string): UserRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    ...recordFromCognitoUser({
      user: {
        Username: `${prefix}-${i}`,
        Enabled: true,
        UserStatus: 'CONFIRMED',
        Attributes: [
          { Name: 'sub', Value: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
          { Name: 'email', Value: `${prefix}-${i}@example.com` },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:tier', Value: ['gold', 'silver', 'bronze'][i % 3] ?? 'gold' },
          { Name: 'custom:tenant_id', Value: `tenant-${i % 17}` },
        ],
      },
      groups: [],
      origin: 'us-east-1',
      poolId: 'us-east-1_BENCH',
      now: Date.now(),
    }),
    version: 1,
  }));

/**
 * The handler reads the table as the truth: a table of its own (the replication table's definition, without a
 * stream: the bench feeds the handler itself), holding `records`.
 */
export const createRecordTable = async (dynamo: DynamoDBClient, tableName: string, records: UserRecord[]) => {
  const definition = readTableDefinition(
    join(root, 'services', 'primary', 'serverless.yml'),
    'local',
    'ReplicationTable',
    'tableName',
  );
  const { StreamSpecification: _unused, ...withoutStream } = definition.create;
  await dynamo.send(new CreateTableCommand({ ...withoutStream, TableName: tableName }));
  const documents = DynamoDBDocumentClient.from(dynamo);
  for (let i = 0; i < records.length; i += 25) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName]: records.slice(i, i + 25).map((r) => ({ PutRequest: { Item: recordToItem(r) } })),
        },
      }),
    );
  }
};

/** A Lambda context for one invocation of the replica handler, with `remainingMs` as its time left. */
export const lambdaContext = (region: string, remainingMs: () => number): Context =>
  ({
    functionName: 'bench-onUserRecordChange',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:bench`,
    memoryLimitInMB: '512',
    awsRequestId: randomBytes(8).toString('hex'),
    logGroupName: 'bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: remainingMs,
  }) as Context;

/** Clients of the backup region's emulators, straight (no fault proxy): for setting up and checking. */
export const backupClients = (stack: StackInfo) => ({
  cognito: new CognitoIdentityProviderClient({
    region: stack.backup.region,
    endpoint: stack.backup.cognitoEndpoint,
    credentials: stack.credentials,
  }),
  dynamo: new DynamoDBClient({
    region: stack.backup.region,
    endpoint: stack.backup.dynamodbEndpoint,
    credentials: stack.credentials,
  }),
});
