// Which username a pool's own `sub` belongs to, for users whose record names another sub (their home sub): the users
// replication created in the standby pool, and users migrated or restored into a pool. CloudTrail names a deleted
// user only by that pool's sub, and once the user is gone neither the pool nor the table (keyed and indexed by the
// home sub) can say who it was. Kept in the pool's region's state table, one item per user.
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

const POOL_SUB_PK = 'pool-sub';

export interface PoolSubs {
  table: DynamoDBDocumentClient;
  tableName: string;
}

export async function notePoolSub(state: PoolSubs, sub: string, username: string): Promise<void> {
  await state.table.send(
    new PutCommand({ TableName: state.tableName, Item: { pk: POOL_SUB_PK, sk: sub, username } }),
  );
}

export async function usernameOfPoolSub(state: PoolSubs, sub: string): Promise<string | undefined> {
  const { Item } = await state.table.send(
    new GetCommand({ TableName: state.tableName, Key: { pk: POOL_SUB_PK, sk: sub }, ConsistentRead: true }),
  );
  return typeof Item?.username === 'string' ? Item.username : undefined;
}
