// How far a region's consumer has got along its stream, kept in that region's state table: every record that
// reached the stream before `through` has been applied (or parked). A failover catches the standby pool up from the
// table starting a safe margin before it, instead of comparing every user.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isErrorNamed, type StateTable } from '@cognito-dr/shared';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

export const WATERMARK_KEY = { pk: 'apply-watermark', sk: 'stream' } as const;

/**
 * The watermark a processed batch establishes (epoch ms), or undefined when it establishes none. Records carry their
 * stream arrival in whole seconds, so the watermark stops at the start of the second of the first record still to be
 * retried (or of the last record, when none is: more of that second may still be on its way).
 */
export function batchWatermark(
  event: DynamoDBStreamEvent,
  response: DynamoDBBatchResponse,
): number | undefined {
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const records = event.Records;
  const firstFailed = records.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
  const boundary = firstFailed >= 0 ? records[firstFailed] : records.at(-1);
  const seconds = boundary?.dynamodb?.ApproximateCreationDateTime;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

/** Moves the watermark forward (never back: batches of a retried shard can finish out of order). */
export async function advanceWatermark(state: StateTable, through: number, now: number): Promise<void> {
  try {
    await state.table.send(
      new UpdateCommand({
        TableName: state.tableName,
        Key: WATERMARK_KEY,
        UpdateExpression: 'SET #through = :through, #updatedAt = :now',
        ConditionExpression: 'attribute_not_exists(#through) OR #through < :through',
        ExpressionAttributeNames: { '#through': 'through', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':through': through, ':now': now },
      }),
    );
  } catch (error) {
    if (!isErrorNamed(error, 'ConditionalCheckFailedException')) throw error;
  }
}

/** The watermark of a region's consumer, or undefined when it never wrote one. */
export async function readWatermark(state: StateTable): Promise<number | undefined> {
  const { Item } = await state.table.send(
    new GetCommand({ TableName: state.tableName, Key: WATERMARK_KEY, ConsistentRead: true }),
  );
  return typeof Item?.through === 'number' ? Item.through : undefined;
}
