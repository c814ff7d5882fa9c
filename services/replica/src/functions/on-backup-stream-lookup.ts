// CloudFormation custom resource BackupStreamLookup: finds the stream of the replication table's replica in this
// (the backup) region, so the replica's event source mapping reads the backup region's stream. `Fn::GetAtt
// StreamArn` on the global table is only ever the primary stack's region's stream.
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { answerCustomResource, lambdaHandler, putResponse } from '@cognito-dr/shared';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export interface StreamLookupProperties extends Record<string, unknown> {
  /** The replication table's name, the same in every region. */
  TableName: string;
}

export type StreamLookupEvent = CloudFormationCustomResourceEvent<StreamLookupProperties>;

export interface StreamLookupData extends Record<string, unknown> {
  StreamArn: string;
}

export interface StreamLookupDeps {
  /** DynamoDB in this region; only DescribeTable is sent. */
  dynamodb: { send(command: DescribeTableCommand): Promise<Pick<DescribeTableCommandOutput, 'Table'>> };
  /** PUTs the response document to CloudFormation's pre-signed ResponseURL. */
  respond(responseUrl: string, body: string): Promise<void>;
  log: Pick<Logger, 'info' | 'error'>;
}

export class StreamLookupError extends Error {
  override readonly name = 'StreamLookupError';
}

async function latestStreamArn(deps: StreamLookupDeps, tableName: unknown): Promise<string> {
  if (typeof tableName !== 'string' || tableName === '') {
    throw new StreamLookupError('TableName: required, the replication table name');
  }
  const { Table } = await deps.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const arn = Table?.LatestStreamArn;
  if (!arn) {
    throw new StreamLookupError(
      `table ${tableName} has no stream in this region: deploy the primary service first (its global table ` +
        'creates the replica here with NEW_AND_OLD_IMAGES streams)',
    );
  }
  return arn;
}

/**
 * Create and Update describe the table and answer its LatestStreamArn, which is also the physical id: a new stream
 * (the table was re-created) replaces the resource and so the event source mapping. Delete only acknowledges.
 * Every request is answered, also when the lookup fails, or the stack would wait an hour for a reply.
 */
export const onBackupStreamLookup = (deps: StreamLookupDeps) =>
  answerCustomResource<StreamLookupProperties, StreamLookupData>(
    { respond: deps.respond, log: deps.log },
    ['StreamLookupError'],
    async (event) => {
      if (event.RequestType === 'Delete') return { physicalResourceId: event.PhysicalResourceId };
      const streamArn = await latestStreamArn(deps, event.ResourceProperties.TableName);
      return { physicalResourceId: streamArn, data: { StreamArn: streamArn } };
    },
  );

export const handler = lambdaHandler<StreamLookupEvent, void>(({ logger }) =>
  onBackupStreamLookup({ dynamodb: new DynamoDBClient({}), respond: putResponse, log: logger }),
);
