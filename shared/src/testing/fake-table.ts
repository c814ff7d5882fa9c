// In-memory stand-in for the replication table behind a DynamoDBDocumentClient, for unit tests across services.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEY, USERNAME_LOWER_ATTRIBUTE } from '../user-record';

type Item = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: a fake receives every command shape the real client accepts.
type AnyCommand = { constructor: { name: string }; input: any };

/**
 * Implements GetCommand, BatchGetCommand, PutCommand, DeleteCommand, and QueryCommand on the `byUsernameLower`
 * index. Understands exactly the condition the record store uses
 * (`attribute_not_exists(key) OR (version = :prev AND updatedAt < :now)`), which is all these tests need.
 */
export class FakeTable {
  readonly items = new Map<string, Item>();
  /** Command names, in call order. */
  readonly calls: string[] = [];
  /** Runs before a PutCommand is applied, so a test can slip a concurrent writer in between read and write. */
  beforePut: ((input: { Item: Item }) => Promise<void> | void) | undefined;
  /** Keys a BatchGetCommand hands back as UnprocessedKeys, as DynamoDB does when it throttles part of a batch. */
  readonly unprocessed = new Set<string>();
  /** Keys asked for in each BatchGetCommand, in call order. */
  readonly batchGets: string[][] = [];
  /** Every read, and whether it asked for strong consistency, in call order. */
  readonly reads: Array<{ command: string; consistent: boolean }> = [];
  /**
   * What an eventually consistent read still sees of a key written a moment ago (null: not there yet), as DynamoDB
   * may for about a second; strongly consistent reads (ConsistentRead: true) always see the item as it is.
   */
  readonly lagging = new Map<string, Item | null>();

  /** A client whose sends land here; an instance of the real class, which the SDK's paginators insist on. */
  get client(): DynamoDBDocumentClient {
    this.asClient ??= Object.assign(Object.create(DynamoDBDocumentClient.prototype), {
      send: (command: unknown) => this.send(command as AnyCommand),
      destroy: () => {},
    }) as DynamoDBDocumentClient;
    return this.asClient;
  }

  private asClient: DynamoDBDocumentClient | undefined;

  put(item: Item): void {
    this.items.set(String(item[TABLE_KEY]), structuredClone(item));
  }

  get(key: string): Item | undefined {
    const item = this.items.get(key);
    return item && structuredClone(item);
  }

  /** The item a read sees: the current one, or the lagging view for an eventually consistent read. */
  protected seen(key: string, consistent: boolean): Item | undefined {
    if (!consistent && this.lagging.has(key)) {
      const lagging = this.lagging.get(key);
      return lagging ? structuredClone(lagging) : undefined;
    }
    return this.get(key);
  }

  async send(command: AnyCommand): Promise<unknown> {
    const name = command.constructor.name;
    this.calls.push(name);
    const input = command.input;
    switch (name) {
      case 'GetCommand': {
        const consistent = input.ConsistentRead === true;
        this.reads.push({ command: name, consistent });
        return { Item: this.seen(String(input.Key[TABLE_KEY]), consistent) };
      }
      case 'BatchGetCommand': {
        const [[table, request]] = Object.entries(input.RequestItems) as [
          [string, { Keys: Item[]; ConsistentRead?: boolean }],
        ];
        const consistent = request.ConsistentRead === true;
        this.reads.push({ command: name, consistent });
        const keys = request.Keys.map((key) => String(key[TABLE_KEY]));
        this.batchGets.push(keys);
        const left = keys.filter((key) => this.unprocessed.has(key));
        return {
          Responses: {
            [table]: keys
              .filter((key) => !this.unprocessed.has(key))
              .flatMap((key) => {
                const item = this.seen(key, consistent);
                return item ? [item] : [];
              }),
          },
          UnprocessedKeys: left.length
            ? { [table]: { Keys: left.map((key) => ({ [TABLE_KEY]: key })) } }
            : {},
        };
      }
      case 'PutCommand': {
        await this.beforePut?.(input);
        const key = String(input.Item[TABLE_KEY]);
        if (input.ConditionExpression && !this.conditionHolds(this.items.get(key), input)) {
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          });
        }
        this.put(input.Item);
        return {};
      }
      case 'DeleteCommand':
        this.items.delete(String(input.Key[TABLE_KEY]));
        return {};
      case 'QueryCommand':
        return this.queryUsernameLowerIndex(input);
      default:
        throw new Error(`FakeTable does not implement ${name}`);
    }
  }

  /** The `byUsernameLower` index: items whose lower-cased username is :lower, keys and `deleted` only. */
  private queryUsernameLowerIndex(input: { IndexName?: string; ExpressionAttributeValues?: Item }) {
    if (input.IndexName !== 'byUsernameLower') throw new Error(`FakeTable has no index ${input.IndexName}`);
    const lower = input.ExpressionAttributeValues?.[':lower'];
    const Items = [...this.items.values()]
      .filter((item) => item[USERNAME_LOWER_ATTRIBUTE] === lower)
      .map((item) => ({
        [TABLE_KEY]: item[TABLE_KEY],
        [USERNAME_LOWER_ATTRIBUTE]: item[USERNAME_LOWER_ATTRIBUTE],
        ...(item.deleted ? { deleted: item.deleted } : {}),
      }));
    return { Items };
  }

  private conditionHolds(current: Item | undefined, input: { ExpressionAttributeValues?: Item }): boolean {
    if (!current) return true;
    const values = input.ExpressionAttributeValues ?? {};
    return current.version === values[':prev'] && (current.updatedAt as number) < (values[':now'] as number);
  }
}
