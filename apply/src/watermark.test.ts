// The watermark a batch establishes stops before anything still to be retried, and never moves back.
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { batchWatermark } from './watermark';

const event = (...seconds: number[]): DynamoDBStreamEvent => ({
  Records: seconds.map((at, index) => ({
    eventName: 'MODIFY',
    dynamodb: { SequenceNumber: String(index + 1).padStart(21, '0'), ApproximateCreationDateTime: at },
  })),
});
const failing = (...sequence: number[]): DynamoDBBatchResponse => ({
  batchItemFailures: sequence.map((n) => ({ itemIdentifier: String(n).padStart(21, '0') })),
});

it('reaches the start of the last record’s second when the whole batch was applied', () => {
  expect(batchWatermark(event(100, 101, 103), failing())).toBe(103_000);
});

it('stops at the first record still to be retried, wherever the others are', () => {
  expect(batchWatermark(event(100, 101, 103), failing(3, 2))).toBe(101_000);
  expect(batchWatermark(event(100, 101, 103), failing(1))).toBe(100_000);
});

it('establishes nothing from an empty batch or records without arrival times', () => {
  expect(batchWatermark({ Records: [] }, failing())).toBeUndefined();
  expect(batchWatermark({ Records: [{ eventName: 'MODIFY', dynamodb: {} }] }, failing())).toBeUndefined();
});
