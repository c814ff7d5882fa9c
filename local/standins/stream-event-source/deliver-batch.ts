// LOCAL ONLY: what a Lambda event source mapping for a DynamoDB stream does with one batch: invoke the function,
// honour ReportBatchItemFailures (retry from the first failed record), split the batch on function errors when
// bisecting is on, and after the last retry hand the batch's description to the on-failure destination and move on.
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export interface EventSourceSettings {
  functionResponseType: 'ReportBatchItemFailures' | null;
  bisectBatchOnFunctionError: boolean;
  /** Retries after the first attempt; -1 means until the record expires, as in AWS. */
  maximumRetryAttempts: number;
}

export type InvokeResult =
  | { ok: true; payload: unknown }
  | { ok: false; errorType: string; errorMessage: string };

export interface FailureDestinationEntry {
  version: '1.0';
  timestamp: string;
  requestContext: {
    condition: 'RetryAttemptsExhausted';
    approximateInvokeCount: number;
    functionName: string;
  };
  responseContext: { functionError: string | null; errorMessage: string | null };
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    /** When the first and last records reached the stream (ISO 8601), as AWS writes them. */
    approximateArrivalOfFirstRecord?: string;
    approximateArrivalOfLastRecord?: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface DeliverDeps {
  invoke: (event: DynamoDBStreamEvent) => Promise<InvokeResult>;
  sendToFailureDestination: (entry: FailureDestinationEntry) => Promise<void>;
  settings: EventSourceSettings;
  functionName: string;
  streamArn: string;
  region: string;
  /** Pause before a retry; AWS retries at once, a small back-off keeps a local failure loop from spinning hot. */
  retryPause: (attempt: number) => Promise<void>;
}

/** The event Lambda receives: the SDK's stream records, with epoch-second times and the source ARN added. */
export const toLambdaEvent = (
  records: _Record[],
  streamArn: string,
  region: string,
): DynamoDBStreamEvent => ({
  Records: records.map(
    (r): DynamoDBRecord => ({
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: r.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      eventSourceARN: streamArn,
      dynamodb: {
        ...(r.dynamodb as DynamoDBRecord['dynamodb']),
        ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime
          ? Math.floor(r.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
          : undefined,
      },
      ...(r.userIdentity ? { userIdentity: r.userIdentity } : {}),
    }),
  ),
});

/** Index of the first record to retry, or null when the whole batch succeeded. */
const firstFailedIndex = (records: _Record[], payload: unknown): number | null => {
  const failures = (payload as { batchItemFailures?: Array<{ itemIdentifier?: unknown }> } | null)
    ?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return null;
  const indexes = failures.map((f) =>
    records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier),
  );
  // An identifier that names no record of the batch makes AWS treat the whole batch as failed.
  if (indexes.some((i) => i < 0)) return 0;
  return Math.min(...indexes);
};

/**
 * Delivers `records` (one shard, in order) until every record either succeeded or was sent to the failure
 * destination. Resolves only then, so the caller may advance its stream position past the whole batch.
 */
export const deliverBatch = async (deps: DeliverDeps, records: _Record[], shardId: string): Promise<void> => {
  await deliver(deps, records, shardId, 0);
};

const deliver = async (
  deps: DeliverDeps,
  records: _Record[],
  shardId: string,
  attempt: number,
): Promise<void> => {
  let pending = records;
  let retries = attempt;
  const { settings } = deps;
  for (;;) {
    if (pending.length === 0) return;
    const result = await deps.invoke(toLambdaEvent(pending, deps.streamArn, deps.region));
    let failedFrom: number | null;
    if (result.ok) {
      failedFrom =
        settings.functionResponseType === 'ReportBatchItemFailures'
          ? firstFailedIndex(pending, result.payload)
          : null;
      if (failedFrom === null) return;
    } else {
      failedFrom = 0;
    }
    const exhausted = settings.maximumRetryAttempts >= 0 && retries >= settings.maximumRetryAttempts;
    if (exhausted) {
      await deps.sendToFailureDestination(
        failureEntry(deps, pending.slice(failedFrom), shardId, retries + 1, result),
      );
      return;
    }
    retries += 1;
    await deps.retryPause(retries);
    if (!result.ok && settings.bisectBatchOnFunctionError && pending.length > 1) {
      // Each half keeps the retry count so far, as AWS does; order within the shard is preserved.
      const middle = Math.ceil(pending.length / 2);
      await deliver(deps, pending.slice(0, middle), shardId, retries);
      await deliver(deps, pending.slice(middle), shardId, retries);
      return;
    }
    pending = pending.slice(failedFrom);
  }
};

const failureEntry = (
  deps: DeliverDeps,
  records: _Record[],
  shardId: string,
  invokeCount: number,
  result: InvokeResult,
): FailureDestinationEntry => ({
  version: '1.0',
  timestamp: new Date().toISOString(),
  requestContext: {
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: invokeCount,
    functionName: deps.functionName,
  },
  responseContext: {
    functionError: result.ok ? null : result.errorType,
    errorMessage: result.ok ? 'batch item failures reported' : result.errorMessage,
  },
  DDBStreamBatchInfo: {
    shardId,
    startSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? '',
    endSequenceNumber: records[records.length - 1]?.dynamodb?.SequenceNumber ?? '',
    ...arrivals(records),
    batchSize: records.length,
    streamArn: deps.streamArn,
  },
});

/** The stream records' ApproximateCreationDateTime, first and last, where the stream gave them. */
const arrivals = (records: _Record[]) => {
  const times = records
    .map((r) => r.dynamodb?.ApproximateCreationDateTime?.getTime())
    .filter((t): t is number => t !== undefined);
  if (times.length === 0) return {};
  return {
    approximateArrivalOfFirstRecord: new Date(Math.min(...times)).toISOString(),
    approximateArrivalOfLastRecord: new Date(Math.max(...times)).toISOString(),
  };
};
