// A run's checkpoint and its one-run-at-a-time lease, kept in the region's state table (key pk/sk, TTL on
// expiresAt), so a run survives Lambda's 15 minutes and two runs never overlap. Other jobs share the table under
// their own pk prefixes.
//
//   pk = checkpoint#<job>        sk = current            the checkpoint, as JSON (small: positions and counts)
//   pk = run#<job>#<runId>       sk = chunk#<00000000>   one chunk of references (binary, at most 300 KB)
//   pk = lease#<job>             sk = lease              holder and expiry of the lease
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  paginateQuery,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Clock, isErrorNamed, type StateTable } from '@cognito-dr/shared';
import {
  type Checkpoint,
  type CheckpointStore,
  type Chunk,
  LeaseLostError,
  parseCheckpoint,
} from './checkpoint';

/** The region's state table, and the clock its leases and retention are judged by. */
type ClockedStateTable = StateTable & { clock: Clock };

/** The jobs that keep state here. */
export type Job = 'reconcile' | 'repair';

/** An unfinished run's items live this long after their last write, then DynamoDB's TTL removes them. */
const RETENTION_MS = 3 * 24 * 3_600_000;

const seconds = (ms: number) => Math.ceil(ms / 1000);
const chunkKey = (seq: number) => `chunk#${String(seq).padStart(8, '0')}`;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The run's state. Given the run's lease, every write is a transaction with the lease's condition: a run that lost
 * its lease (it expired and another run took it) writes neither a chunk nor its checkpoint over the new holder's.
 */
export function stateTableCheckpoints(
  { table, tableName, clock }: ClockedStateTable,
  job: Job,
  heldBy?: Pick<Lease, 'heldCondition'>,
): CheckpointStore {
  const checkpointKey = { pk: `checkpoint#${job}`, sk: 'current' };
  const runKey = (runId: string) => `run#${job}#${runId}`;
  const expiresAt = () => seconds(clock.now() + RETENTION_MS);
  const write = async (item: TransactItem): Promise<void> => {
    if (!heldBy) {
      if (item.Put) await table.send(new PutCommand(item.Put));
      else if (item.Delete) await table.send(new DeleteCommand(item.Delete));
      return;
    }
    try {
      await table.send(new TransactWriteCommand({ TransactItems: [heldBy.heldCondition(), item] }));
    } catch (error) {
      if (isErrorNamed(error, 'TransactionCanceledException') && leaseConditionFailed(error))
        throw new LeaseLostError(`the ${job} lease is held by another run: state not written`);
      throw error;
    }
  };
  return {
    async load() {
      const { Item } = await table.send(
        new GetCommand({ TableName: tableName, Key: checkpointKey, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const checkpoint = parseCheckpoint(JSON.parse(String(Item.body)));
      const chunks: Chunk[] = [];
      for await (const page of paginateQuery(
        { client: table },
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
          ExpressionAttributeValues: { ':pk': runKey(checkpoint.runId), ':chunk': 'chunk#' },
          ConsistentRead: true,
        },
      )) {
        for (const item of page.Items ?? []) {
          // Chunks past the committed count were written by an invocation that stopped before committing them.
          if (chunks.length >= checkpoint.chunks) break;
          const refs = item.refs as Uint8Array;
          chunks.push(
            item.kind === 'members'
              ? { kind: 'members', group: String(item.group), refs }
              : { kind: 'seen', refs },
          );
        }
      }
      // Chunks are written once and expire three days later; a run stalled that long cannot be continued, only
      // started over (which is what an absent checkpoint means).
      if (chunks.length !== checkpoint.chunks) return undefined;
      return { checkpoint, chunks };
    },
    async save(checkpoint: Checkpoint, added: Chunk[]) {
      const first = checkpoint.chunks - added.length;
      // One item at a time: a chunk is up to 300 KB, and BatchWriteItem would take at most 16 MB in any case.
      for (const [index, chunk] of added.entries()) {
        await write({
          Put: {
            TableName: tableName,
            Item: {
              pk: runKey(checkpoint.runId),
              sk: chunkKey(first + index),
              kind: chunk.kind,
              ...(chunk.kind === 'members' ? { group: chunk.group } : {}),
              refs: chunk.refs,
              expiresAt: expiresAt(),
            },
          },
        });
      }
      await write({
        Put: {
          TableName: tableName,
          Item: {
            ...checkpointKey,
            runId: checkpoint.runId,
            body: JSON.stringify(checkpoint),
            expiresAt: expiresAt(),
          },
        },
      });
    },
    async clear() {
      // The run's chunks are left to TTL: deleting them would cost as many writes as writing them did.
      await write({ Delete: { TableName: tableName, Key: checkpointKey } });
    },
  };
}

/** Whether a cancelled transaction failed on its first item, the lease's condition. */
const leaseConditionFailed = (error: unknown): boolean =>
  (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[0]?.Code ===
  'ConditionalCheckFailed';

export interface Lease {
  /** True when this holder now has the lease: it was free, expired, or already ours. */
  acquire(): Promise<boolean>;
  /** Pushes the expiry out again; throws LeaseLostError when someone else holds the lease now. */
  renew(): Promise<void>;
  /** The transaction item that holds only while this holder has the lease and it has not expired. */
  heldCondition(): TransactItem;
  /** Frees the lease if we still hold it. */
  release(): Promise<void>;
}

/**
 * A lease is a conditional put: taken only when absent, expired or ours. `durationMs` bounds how long a crashed
 * holder blocks the next run; the holder renews well within it.
 */
export function stateTableLease(
  { table, tableName, clock }: ClockedStateTable,
  job: Job,
  holder: string,
  durationMs: number,
): Lease {
  const Key = { pk: `lease#${job}`, sk: 'lease' };
  const put = (condition: string, values: Record<string, unknown>) => {
    const until = clock.now() + durationMs;
    return table.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...Key, holder, until, expiresAt: seconds(until) + 86_400 },
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#holder': 'holder', ...(':now' in values ? { '#until': 'until' } : {}) },
        ExpressionAttributeValues: { ':holder': holder, ...values },
      }),
    );
  };
  return {
    async acquire() {
      try {
        await put('attribute_not_exists(pk) OR #until < :now OR #holder = :holder', { ':now': clock.now() });
        return true;
      } catch (error) {
        if (isErrorNamed(error, 'ConditionalCheckFailedException')) return false;
        throw error;
      }
    },
    heldCondition() {
      return {
        ConditionCheck: {
          TableName: tableName,
          Key,
          ConditionExpression: '#holder = :holder AND #until >= :now',
          ExpressionAttributeNames: { '#holder': 'holder', '#until': 'until' },
          ExpressionAttributeValues: { ':holder': holder, ':now': clock.now() },
        },
      };
    },
    async renew() {
      try {
        // Ours though expired is renewed: nobody else took it in between, so nobody else wrote.
        await put('#holder = :holder', {});
      } catch (error) {
        if (isErrorNamed(error, 'ConditionalCheckFailedException'))
          throw new LeaseLostError(`the ${job} lease is held by another run`);
        throw error;
      }
    },
    async release() {
      try {
        await table.send(
          new DeleteCommand({
            TableName: tableName,
            Key,
            ConditionExpression: '#holder = :holder',
            ExpressionAttributeNames: { '#holder': 'holder' },
            ExpressionAttributeValues: { ':holder': holder },
          }),
        );
      } catch (error) {
        if (!isErrorNamed(error, 'ConditionalCheckFailedException')) throw error;
      }
    },
  };
}
