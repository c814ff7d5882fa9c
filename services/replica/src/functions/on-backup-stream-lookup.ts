// CloudFormation custom resource BackupStreamLookup: finds the stream of the replication table's replica in this
// (the backup) region, so the replica's event source mapping reads the backup region's stream. `Fn::GetAtt
// StreamArn` on the global table is only ever the primary stack's region's stream.
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { putResponse } from '@cognito-dr/shared';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';

export interface StreamLookupProperties {
  /** The replication table's name, the same in every region. */
  TableName: string;
}

export type StreamLookupEvent = CloudFormationCustomResourceEvent<StreamLookupProperties>;

export interface StreamLookupData {
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

/** What CloudFormation is told when the lookup fails; AWS exception names only, never a message to guess from. */
function failureReason(error: unknown): string {
  if (error instanceof StreamLookupError) return error.message;
  const name = error instanceof Error ? error.name : 'unknown error';
  return `DescribeTable failed: ${name} (see the function's log for the request id)`;
}

/**
 * Create and Update describe the table and answer its LatestStreamArn, which is also the physical id: a new stream
 * (the table was re-created) replaces the resource and so the event source mapping. Delete only acknowledges.
 * Every request is answered, also when the lookup fails, or the stack would wait an hour for a reply.
 */
export const onBackupStreamLookup =
  (deps: StreamLookupDeps) =>
  async (event: StreamLookupEvent): Promise<void> => {
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    // A failed Create has no physical id yet; a stable one keeps the rollback's Delete a no-op like any other.
    const previousId =
      event.RequestType === 'Create' ? `${event.LogicalResourceId}-not-created` : event.PhysicalResourceId;
    let response: CloudFormationCustomResourceResponse<StreamLookupData>;
    if (event.RequestType === 'Delete') {
      response = { ...base, Status: 'SUCCESS', PhysicalResourceId: previousId };
    } else {
      try {
        const streamArn = await latestStreamArn(deps, event.ResourceProperties.TableName);
        response = {
          ...base,
          Status: 'SUCCESS',
          PhysicalResourceId: streamArn,
          Data: { StreamArn: streamArn },
        };
      } catch (error) {
        deps.log.error('backup stream lookup failed', {
          requestType: event.RequestType,
          error: error instanceof Error ? error.name : 'unknown',
          awsRequestId: (error as { $metadata?: { requestId?: string } })?.$metadata?.requestId,
        });
        response = {
          ...base,
          Status: 'FAILED',
          PhysicalResourceId: previousId,
          Reason: failureReason(error),
        };
      }
    }
    deps.log.info('answering CloudFormation', {
      requestType: event.RequestType,
      logicalResourceId: event.LogicalResourceId,
      status: response.Status,
    });
    await deps.respond(event.ResponseURL, JSON.stringify(response));
  };

// One way to answer CloudFormation, shared with every custom resource of cognito-dr.
export { putResponse };

const logger = new Logger({ serviceName: 'replica' });
let dynamodb: DynamoDBClient | undefined;

export const handler = (event: StreamLookupEvent): Promise<void> => {
  dynamodb ??= new DynamoDBClient({});
  return onBackupStreamLookup({ dynamodb, respond: putResponse, log: logger })(event);
};
