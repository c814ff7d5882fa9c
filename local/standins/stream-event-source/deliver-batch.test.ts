import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import {
  type DeliverDeps,
  deliverBatch,
  type FailureDestinationEntry,
  type InvokeResult,
} from './deliver-batch';

const record = (seq: number): _Record => ({
  eventID: `e${seq}`,
  eventName: 'MODIFY',
  dynamodb: { SequenceNumber: String(seq), Keys: { username: { S: `u${seq}` } } },
});

const harness = (
  respond: (event: DynamoDBStreamEvent, call: number) => InvokeResult,
  settings: Partial<DeliverDeps['settings']> = {},
) => {
  const invocations: string[][] = [];
  const failures: FailureDestinationEntry[] = [];
  const deps: DeliverDeps = {
    invoke: async (event) => {
      invocations.push(event.Records.map((r) => r.dynamodb?.SequenceNumber ?? '?'));
      return respond(event, invocations.length);
    },
    sendToFailureDestination: async (entry) => {
      failures.push(entry);
    },
    settings: {
      functionResponseType: 'ReportBatchItemFailures',
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
      ...settings,
    },
    functionName: 'fn',
    streamArn: 'arn:stream',
    region: 'ap-northeast-1',
    retryPause: async () => {},
  };
  return { deps, invocations, failures };
};

const ok = (batchItemFailures: string[] = []): InvokeResult => ({
  ok: true,
  payload: { batchItemFailures: batchItemFailures.map((itemIdentifier) => ({ itemIdentifier })) },
});

describe('deliverBatch', () => {
  const batch = [1, 2, 3, 4].map(record);

  it('invokes once with the whole batch in AWS event shape when the function succeeds', async () => {
    let seen: DynamoDBStreamEvent | undefined;
    const h = harness((event) => {
      seen = event;
      return ok();
    });
    await deliverBatch(h.deps, batch, 'shard-1');
    expect(h.invocations).toEqual([['1', '2', '3', '4']]);
    expect(seen?.Records[0]).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventSourceARN: 'arn:stream',
      awsRegion: 'ap-northeast-1',
    });
    expect(h.failures).toEqual([]);
  });

  it('retries from the first reported failure, keeping the records after it', async () => {
    const h = harness((_event, call) => (call === 1 ? ok(['3', '2']) : ok()));
    await deliverBatch(h.deps, batch, 'shard-1');
    expect(h.invocations).toEqual([
      ['1', '2', '3', '4'],
      ['2', '3', '4'],
    ]);
  });

  it('sends what still fails after the last retry to the failure destination and goes on', async () => {
    const h = harness(() => ok(['4']));
    await deliverBatch(h.deps, batch, 'shard-9');
    expect(h.invocations).toEqual([['1', '2', '3', '4'], ['4'], ['4']]);
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]?.DDBStreamBatchInfo).toEqual({
      shardId: 'shard-9',
      startSequenceNumber: '4',
      endSequenceNumber: '4',
      batchSize: 1,
      streamArn: 'arn:stream',
    });
  });

  it("gives the on-failure record the records' first and last arrival times, as AWS does", async () => {
    const timed = [1, 2, 3].map((seq) => ({
      ...record(seq),
      dynamodb: {
        ...record(seq).dynamodb,
        ApproximateCreationDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      },
    }));
    const h = harness(() => ok(['1']), { maximumRetryAttempts: 0 });
    await deliverBatch(h.deps, timed, 'shard-1');
    expect(h.failures[0]?.DDBStreamBatchInfo).toMatchObject({
      approximateArrivalOfFirstRecord: '2026-01-01T00:00:01.000Z',
      approximateArrivalOfLastRecord: '2026-01-01T00:00:03.000Z',
    });
  });

  it('bisects a batch on a function error so the good half gets through', async () => {
    const h = harness((event) =>
      event.Records.some((r) => r.dynamodb?.SequenceNumber === '3')
        ? { ok: false, errorType: 'Error', errorMessage: 'boom' }
        : ok(),
    );
    await deliverBatch(h.deps, batch, 'shard-1');
    expect(h.invocations.slice(0, 2)).toEqual([
      ['1', '2', '3', '4'],
      ['1', '2'],
    ]);
    expect(h.failures.map((f) => f.DDBStreamBatchInfo.startSequenceNumber)).toEqual(['3']);
    expect(h.invocations.at(-1)).toEqual(['4']);
  });

  it('treats a failure naming no record of the batch as a failure of the whole batch', async () => {
    const h = harness((_event, call) => (call === 1 ? ok(['not-a-sequence-number']) : ok()));
    await deliverBatch(h.deps, batch, 'shard-1');
    expect(h.invocations[1]).toEqual(['1', '2', '3', '4']);
  });

  it('ignores batchItemFailures when the mapping does not report them', async () => {
    const h = harness(() => ok(['2']), { functionResponseType: null });
    await deliverBatch(h.deps, batch, 'shard-1');
    expect(h.invocations).toHaveLength(1);
  });
});
