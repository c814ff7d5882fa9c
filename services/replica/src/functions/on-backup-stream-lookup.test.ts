import type { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  onBackupStreamLookup,
  type StreamLookupDeps,
  type StreamLookupEvent,
} from './on-backup-stream-lookup';

const STREAM_ARN =
  'arn:aws:dynamodb:ap-northeast-1:123456789012:table/cognito-dr-users-prod/stream/2026-11-25T00:00:00.000';
const RESPONSE_URL = 'https://cloudformation-custom-resource-response.example/presigned?X-Amz-Signature=abc';

const common = {
  ServiceToken: 'arn:aws:lambda:ap-northeast-1:123456789012:function:lookup',
  ResponseURL: RESPONSE_URL,
  StackId: 'arn:aws:cloudformation:ap-northeast-1:123456789012:stack/cognito-dr-replica-prod/guid',
  RequestId: 'request-1',
  LogicalResourceId: 'BackupStreamLookup',
  ResourceType: 'Custom::BackupStreamLookup',
  ResourceProperties: { ServiceToken: 'token', TableName: 'cognito-dr-users-prod' },
};
const create: StreamLookupEvent = { ...common, RequestType: 'Create' };
const update: StreamLookupEvent = {
  ...common,
  RequestType: 'Update',
  PhysicalResourceId: 'old-stream-arn',
  OldResourceProperties: { TableName: 'cognito-dr-users-prod' },
};
const del: StreamLookupEvent = { ...common, RequestType: 'Delete', PhysicalResourceId: STREAM_ARN };

const given = {
  a_table_with_a_stream: () => fakeDeps(async () => ({ Table: { LatestStreamArn: STREAM_ARN } })),
  a_table_without_a_stream: () => fakeDeps(async () => ({ Table: { TableStatus: 'ACTIVE' } })),
  dynamodb_failing_with: (name: string) =>
    fakeDeps(async () => {
      throw Object.assign(new Error(`Requested resource not found: Table: cognito-dr-users-prod`), {
        name,
        $metadata: { requestId: 'aws-req-1' },
      });
    }),
};

function fakeDeps(describe: (command: DescribeTableCommand) => Promise<{ Table?: object }>) {
  const sent: DescribeTableCommand[] = [];
  const responses: { url: string; body: Record<string, unknown> }[] = [];
  const logs: { message: string; fields: unknown }[] = [];
  const deps: StreamLookupDeps = {
    dynamodb: {
      send: async (command) => {
        sent.push(command);
        return describe(command);
      },
    },
    respond: async (url, body) => {
      responses.push({ url, body: JSON.parse(body) });
    },
    log: {
      info: (message: string, fields?: unknown) => logs.push({ message, fields }),
      error: (message: string, fields?: unknown) => logs.push({ message, fields }),
    } as StreamLookupDeps['log'],
  };
  return { deps, sent, responses, logs };
}

describe('onBackupStreamLookup', () => {
  it('answers Create with the table stream in this region, as data and as physical id', async () => {
    const fake = given.a_table_with_a_stream();
    await onBackupStreamLookup(fake.deps)(create);
    expect(fake.sent.map((c) => c.input)).toEqual([{ TableName: 'cognito-dr-users-prod' }]);
    expect(fake.responses).toEqual([
      {
        url: RESPONSE_URL,
        body: {
          Status: 'SUCCESS',
          StackId: common.StackId,
          RequestId: 'request-1',
          LogicalResourceId: 'BackupStreamLookup',
          PhysicalResourceId: STREAM_ARN,
          Data: { StreamArn: STREAM_ARN },
        },
      },
    ]);
  });

  it('looks again on Update, so a re-created table brings its new stream', async () => {
    const fake = given.a_table_with_a_stream();
    await onBackupStreamLookup(fake.deps)(update);
    expect(fake.sent).toHaveLength(1);
    expect(fake.responses[0]?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: STREAM_ARN,
      Data: { StreamArn: STREAM_ARN },
    });
  });

  it('acknowledges Delete without touching DynamoDB, keeping the physical id', async () => {
    const fake = given.a_table_with_a_stream();
    await onBackupStreamLookup(fake.deps)(del);
    expect(fake.sent).toEqual([]);
    expect(fake.responses[0]?.body).toEqual({
      Status: 'SUCCESS',
      StackId: common.StackId,
      RequestId: 'request-1',
      LogicalResourceId: 'BackupStreamLookup',
      PhysicalResourceId: STREAM_ARN,
    });
  });

  it('fails a Create whose table has no stream here, saying to deploy the primary first', async () => {
    const fake = given.a_table_without_a_stream();
    await onBackupStreamLookup(fake.deps)(create);
    expect(fake.responses[0]?.body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'BackupStreamLookup-not-created',
      Reason: expect.stringContaining('deploy the primary service first'),
    });
  });

  it('answers FAILED when DescribeTable throws, naming the exception but not its message', async () => {
    const fake = given.dynamodb_failing_with('ResourceNotFoundException');
    await onBackupStreamLookup(fake.deps)(update);
    const body = fake.responses[0]?.body;
    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'old-stream-arn' });
    expect(body?.Reason).toContain('ResourceNotFoundException');
    expect(body?.Reason).not.toContain('Requested resource not found');
    expect(JSON.stringify(fake.logs)).toContain('aws-req-1');
  });

  it('refuses a missing TableName and still answers', async () => {
    const fake = given.a_table_with_a_stream();
    await onBackupStreamLookup(fake.deps)({
      ...create,
      ResourceProperties: { ServiceToken: 'token' } as StreamLookupEvent['ResourceProperties'],
    });
    expect(fake.sent).toEqual([]);
    expect(fake.responses[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^TableName:/),
    });
  });

  it('never logs the pre-signed response URL', async () => {
    const fake = given.dynamodb_failing_with('AccessDeniedException');
    await onBackupStreamLookup(fake.deps)(create);
    expect(JSON.stringify(fake.logs)).not.toContain('X-Amz-Signature');
  });
});
