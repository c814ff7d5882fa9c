// Follows every shard of one DynamoDB stream in order, parents before children, and hands each batch of records
// to a callback; the position only advances once the callback has resolved. Used by both local stand-ins.
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { CheckpointStore } from './checkpoint-store';

export interface TailerOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  checkpoints: CheckpointStore;
  batchSize: number;
  /** Pause between polls when no shard had records. */
  idleMs: number;
  onRecords: (records: _Record[], shardId: string) => Promise<void>;
  onError?: (error: unknown) => void;
  /** A poll of every shard found nothing new: every change made before `since` (epoch ms) has been handed over. */
  onCaughtUp?: (since: number) => void;
}

interface ShardState {
  id: string;
  parentId: string | undefined;
  iterator: string | undefined;
  closed: boolean;
}

/** DynamoDB Local (and DynamoDB) may refuse an iterator on a fresh or rolled shard; a new one fixes it. */
const RECOVERABLE = new Set(['TrimmedDataAccessException', 'ExpiredIteratorException']);

export class StreamTailer {
  private readonly shards = new Map<string, ShardState>();
  private stopped = false;
  private lastDescribe = 0;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: TailerOptions) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let delivered = 0;
      const since = Date.now();
      try {
        await this.refreshShards();
        for (const shard of this.readableShards()) {
          delivered += await this.pollShard(shard);
        }
        failures = 0;
      } catch (error) {
        // A region that stays unreachable is retried about once a second, not hammered.
        failures += 1;
        if (failures === 1 || failures % 30 === 0) this.opts.onError?.(error);
        if (!this.stopped) await this.pause(Math.min(this.opts.idleMs * 2 ** failures, 1000));
        continue;
      }
      if (delivered === 0) this.opts.onCaughtUp?.(since);
      if (delivered === 0 && !this.stopped) await this.pause(this.opts.idleMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Open shards whose parent (if we know it) has been read to its end. */
  private readableShards(): ShardState[] {
    return [...this.shards.values()].filter((s) => {
      if (s.closed) return false;
      const parent = s.parentId ? this.shards.get(s.parentId) : undefined;
      return !parent || parent.closed;
    });
  }

  private async refreshShards(): Promise<void> {
    const due = Date.now() - this.lastDescribe > 1000 || this.readableShards().length === 0;
    if (!due) return;
    this.lastDescribe = Date.now();
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.opts.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.opts.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      for (const shard of StreamDescription?.Shards ?? []) this.track(shard);
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  private track(shard: Shard): void {
    if (!shard.ShardId || this.shards.has(shard.ShardId)) return;
    this.shards.set(shard.ShardId, {
      id: shard.ShardId,
      parentId: shard.ParentShardId,
      iterator: undefined,
      closed: false,
    });
  }

  private async pollShard(shard: ShardState): Promise<number> {
    try {
      shard.iterator ??= await this.iteratorFor(shard.id);
      const page = await this.opts.streams.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.opts.batchSize }),
      );
      const records = page.Records ?? [];
      if (records.length > 0) {
        await this.opts.onRecords(records, shard.id);
        const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
        if (last) await this.opts.checkpoints.save(this.opts.streamArn, shard.id, last);
      }
      shard.iterator = page.NextShardIterator;
      if (!page.NextShardIterator) shard.closed = true;
      return records.length;
    } catch (error) {
      if (error instanceof Error && RECOVERABLE.has(error.name)) {
        shard.iterator = undefined; // take a fresh one after the last checkpoint on the next poll
        return 0;
      }
      throw error;
    }
  }

  private async iteratorFor(shardId: string): Promise<string | undefined> {
    const after = await this.opts.checkpoints.load(this.opts.streamArn, shardId);
    const request = after
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: after }
      : { ShardIteratorType: 'TRIM_HORIZON' as const };
    try {
      const { ShardIterator } = await this.opts.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.opts.streamArn, ShardId: shardId, ...request }),
      );
      return ShardIterator;
    } catch (error) {
      // The checkpointed record was trimmed away: everything still in the shard is newer, start at its horizon.
      if (after && error instanceof Error && error.name === 'TrimmedDataAccessException') {
        const { ShardIterator } = await this.opts.streams.send(
          new GetShardIteratorCommand({
            StreamArn: this.opts.streamArn,
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        return ShardIterator;
      }
      throw error;
    }
  }
}
