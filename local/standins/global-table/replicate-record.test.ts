import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { type ReplicaTarget, replicateRecord } from './replicate-record';

type Item = Record<string, AttributeValue>;

/** The other region's table: GetItem, PutItem (with the updatedAt condition) and DeleteItem on one key. */
const fakeRegion = (initial?: Item) => {
  let item = initial;
  const writes: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      switch (command.constructor.name) {
        case 'GetItemCommand':
          return { Item: item };
        case 'PutItemCommand': {
          const next = command.input.Item as Item;
          const limit = (command.input.ExpressionAttributeValues as Item | undefined)?.[':u']?.N;
          if (limit && item?.updatedAt?.N && Number(item.updatedAt.N) > Number(limit)) {
            throw new ConditionalCheckFailedException({ message: 'condition', $metadata: {} });
          }
          writes.push('put');
          item = next;
          return {};
        }
        case 'DeleteItemCommand':
          writes.push('delete');
          item = undefined;
          return {};
        default:
          throw new Error(`unexpected ${command.constructor.name}`);
      }
    },
  };
  const target = { client, tableName: 'users', updatedAtAttribute: 'updatedAt' } as unknown as ReplicaTarget;
  return { target, writes, current: () => item };
};

const item = (updatedAt: number, tier: string): Item => ({
  username: { S: 'alice' },
  updatedAt: { N: String(updatedAt) },
  tier: { S: tier },
});

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', newImage?: Item, oldImage?: Item): _Record => ({
  eventID: 'e1',
  eventName,
  dynamodb: { Keys: { username: { S: 'alice' } }, NewImage: newImage, OldImage: oldImage },
});

describe('replicateRecord (local global table stand-in)', () => {
  it('copies a new item to the other region', async () => {
    const region = fakeRegion();
    expect(await replicateRecord(region.target, record('INSERT', item(1, 'gold')))).toBe('copied');
    expect(region.current()).toEqual(item(1, 'gold'));
  });

  it('writes nothing when the other region already holds the same item, so changes never echo back', async () => {
    const region = fakeRegion(item(1, 'gold'));
    expect(await replicateRecord(region.target, record('MODIFY', item(1, 'gold')))).toBe('already-equal');
    expect(region.writes).toEqual([]);
  });

  it('keeps the newer write when an older one arrives late (last writer wins by updatedAt)', async () => {
    const region = fakeRegion(item(5, 'platinum'));
    expect(await replicateRecord(region.target, record('MODIFY', item(3, 'gold')))).toBe('target-newer');
    expect(region.current()).toEqual(item(5, 'platinum'));
  });

  it('deletes a removed item unless the other region has written it since', async () => {
    const stale = fakeRegion(item(1, 'gold'));
    expect(await replicateRecord(stale.target, record('REMOVE', undefined, item(1, 'gold')))).toBe('deleted');
    expect(stale.current()).toBeUndefined();
    const rewritten = fakeRegion(item(9, 'gold'));
    expect(await replicateRecord(rewritten.target, record('REMOVE', undefined, item(1, 'gold')))).toBe(
      'target-newer',
    );
    expect(rewritten.current()).toEqual(item(9, 'gold'));
  });
});
