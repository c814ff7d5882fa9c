// LOCAL ONLY. What a DynamoDB global table does with one stream record of one region: write the change into
// another region's copy, last writer wins by the item's update time, and copying an item the other region
// already holds does nothing — which is also what stops two regions from echoing a change back and forth.
import { isDeepStrictEqual } from 'node:util';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';

export type ReplicationOutcome = 'copied' | 'deleted' | 'already-equal' | 'target-newer';

export interface ReplicaTarget {
  client: DynamoDBClient;
  tableName: string;
  /** Item attribute (epoch ms) that orders concurrent writes of the same item. */
  updatedAtAttribute: string;
}

type Item = Record<string, AttributeValue>;

const updatedAtOf = (item: Item | undefined, attribute: string): number => {
  const value = item?.[attribute];
  return value && 'N' in value && value.N !== undefined ? Number(value.N) : Number.NEGATIVE_INFINITY;
};

export const replicateRecord = async (
  target: ReplicaTarget,
  record: _Record,
): Promise<ReplicationOutcome> => {
  const change = record.dynamodb;
  if (!change?.Keys) throw new Error(`stream record ${record.eventID} has no keys`);
  const { Item: current } = await target.client.send(
    new GetItemCommand({ TableName: target.tableName, Key: change.Keys as Item, ConsistentRead: true }),
  );
  const updatedAt = target.updatedAtAttribute;

  if (record.eventName === 'REMOVE') {
    if (!current) return 'already-equal';
    const removed = change.OldImage as Item | undefined;
    if (updatedAtOf(current, updatedAt) > updatedAtOf(removed, updatedAt)) return 'target-newer';
    await target.client.send(
      new DeleteItemCommand({ TableName: target.tableName, Key: change.Keys as Item }),
    );
    return 'deleted';
  }

  const image = change.NewImage as Item | undefined;
  if (!image) throw new Error(`stream record ${record.eventID} has no new image (stream view type?)`);
  if (current && isDeepStrictEqual(current, image)) return 'already-equal';
  if (updatedAtOf(current, updatedAt) > updatedAtOf(image, updatedAt)) return 'target-newer';
  try {
    await target.client.send(
      new PutItemCommand({
        TableName: target.tableName,
        Item: image,
        // Guards the read-compare-write above against a newer write landing in between.
        ...(image[updatedAt]
          ? {
              ConditionExpression: 'attribute_not_exists(#u) OR #u <= :u',
              ExpressionAttributeNames: { '#u': updatedAt },
              ExpressionAttributeValues: { ':u': image[updatedAt] },
            }
          : {}),
      }),
    );
    return 'copied';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'target-newer';
    throw error;
  }
};
