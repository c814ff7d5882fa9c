// The deletions a region's breaker held (deletion-breaker.ts), one item per user in that region's state table, keyed
// by username: what `cognito-dr deletes` lists, releases or discards, and what keeps a held user from being counted
// again each time the stream or a repair asks to delete them.
import { DeleteCommand, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { StateTable } from '@cognito-dr/shared';

const HOLD_PK = 'deletion-hold';

export interface DeletionHold {
  username: string;
  /** held: waiting for an operator. discarded: the operator chose to keep the user (see holdKeepsUser). */
  state: 'held' | 'discarded';
  /** The version of the tombstone whose deletion was held; absent when the user had no record at all. */
  version?: number;
  /** When the deletion was held (epoch ms). */
  heldAt: number;
  /** When an operator discarded it (epoch ms). */
  discardedAt?: number;
}

/**
 * Whether a hold keeps the user from the deletion asked for by the record at `version` (undefined: the user has no
 * record). A pending hold keeps its user until an operator decides, even once the tombstone has expired; a discarded
 * one only while the record is still the tombstone it was discarded for. A newer tombstone (the user was restored
 * and deleted again) is a deletion of its own, counted like any other.
 */
export function holdKeepsUser(hold: DeletionHold, version: number | undefined): boolean {
  if (hold.state === 'held' && version === undefined) return true;
  return version === hold.version;
}

export async function readHold(state: StateTable, username: string): Promise<DeletionHold | undefined> {
  const { Item } = await state.table.send(
    new GetCommand({ TableName: state.tableName, Key: { pk: HOLD_PK, sk: username }, ConsistentRead: true }),
  );
  return Item ? holdFromItem(Item) : undefined;
}

/** Every hold of the region, pending and discarded, in username order. */
export async function listHolds(state: StateTable): Promise<DeletionHold[]> {
  const holds: DeletionHold[] = [];
  for await (const page of paginateQuery(
    { client: state.table },
    {
      TableName: state.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': HOLD_PK },
      ConsistentRead: true,
    },
  )) {
    for (const item of page.Items ?? []) holds.push(holdFromItem(item));
  }
  return holds;
}

/** Writes (or overwrites) a user's hold; `expiresAt` (epoch s) lets DynamoDB drop one that no longer matters. */
export async function writeHold(state: StateTable, hold: DeletionHold, expiresAt?: number): Promise<void> {
  await state.table.send(
    new PutCommand({
      TableName: state.tableName,
      Item: { pk: HOLD_PK, sk: hold.username, ...hold, ...(expiresAt === undefined ? {} : { expiresAt }) },
    }),
  );
}

export async function dropHold(state: StateTable, username: string): Promise<void> {
  await state.table.send(
    new DeleteCommand({ TableName: state.tableName, Key: { pk: HOLD_PK, sk: username } }),
  );
}

function holdFromItem(item: Record<string, unknown>): DeletionHold {
  return {
    username: String(item.sk),
    state: item.state === 'discarded' ? 'discarded' : 'held',
    ...(typeof item.version === 'number' ? { version: item.version } : {}),
    heldAt: Number(item.heldAt),
    ...(typeof item.discardedAt === 'number' ? { discardedAt: item.discardedAt } : {}),
  };
}
