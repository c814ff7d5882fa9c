// In-memory stand-in for the replication table behind a DynamoDBDocumentClient, for unit tests across services.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEY, USERNAME_LOWER_ATTRIBUTE, USERNAME_LOWER_INDEX } from '../user-record';
import {
  applyUpdate,
  checkExpressions,
  conditionHolds,
  type ExpressionInput,
  ExpressionValidationError,
  keyConditionHolds,
  project,
} from './dynamo-expressions';

type Item = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: a fake receives every command shape the real client accepts.
type AnyCommand = { constructor: { name: string }; input: any };

/**
 * Implements GetCommand, BatchGetCommand, PutCommand, UpdateCommand and DeleteCommand, and QueryCommand on the `bySub` and
 * `byUsernameLower` indexes (keys and `deleted` projected, as the table's definition says). Every expression a command
 * carries is evaluated, and its placeholders checked, as DynamoDB does (dynamo-expressions.ts).
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
    checkExpressions(input);
    switch (name) {
      case 'GetCommand': {
        const consistent = input.ConsistentRead === true;
        this.reads.push({ command: name, consistent });
        const item = this.seen(String(input.Key[TABLE_KEY]), consistent);
        return { Item: item && project(item, input) };
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
        this.checkCondition(key, input);
        this.put(input.Item);
        return {};
      }
      case 'UpdateCommand': {
        const key = String(input.Key[TABLE_KEY]);
        this.checkCondition(key, input);
        const before = this.items.get(key) ?? { ...input.Key };
        this.put(applyUpdate(input.UpdateExpression, before, input, [TABLE_KEY]).item);
        return {};
      }
      case 'DeleteCommand': {
        const key = String(input.Key[TABLE_KEY]);
        this.checkCondition(key, input);
        this.items.delete(key);
        return {};
      }
      case 'QueryCommand':
        return this.queryIndex(input);
      default:
        throw new Error(`FakeTable does not implement ${name}`);
    }
  }

  /** A write's ConditionExpression against the item as it stands; ConditionalCheckFailedException when it fails. */
  protected checkCondition(key: string, input: ExpressionInput): void {
    if (input.ConditionExpression === undefined) return;
    if (!conditionHolds(input.ConditionExpression, this.items.get(key), input)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
  }

  /** An index holds the items that carry its key attribute, with the table's key and `deleted` projected. */
  private queryIndex(input: QueryInput) {
    const hash = input.IndexName === undefined ? undefined : INDEXES[input.IndexName];
    if (!hash) throw new Error(`FakeTable has no index ${input.IndexName} (the table itself is not queried)`);
    if (input.ConsistentRead) {
      throw new ExpressionValidationError('Consistent reads are not supported on global secondary indexes');
    }
    const schema = { hash };
    const Items = [...this.items.values()]
      .filter((item) => item[hash] !== undefined)
      .filter((item) => keyConditionHolds(input.KeyConditionExpression, schema, item, input))
      .map((item) => ({
        [TABLE_KEY]: item[TABLE_KEY],
        [hash]: item[hash],
        ...(item.deleted === undefined ? {} : { deleted: item.deleted }),
      }))
      .filter(
        (item) => input.FilterExpression === undefined || conditionHolds(input.FilterExpression, item, input),
      )
      .map((item) => structuredClone(project(item, input)));
    return { Items, Count: Items.length };
  }
}

type QueryInput = ExpressionInput & {
  IndexName?: string;
  ConsistentRead?: boolean;
  KeyConditionExpression: string;
};

/** The table's global secondary indexes, by name: each one's partition key. */
const INDEXES: Record<string, string> = { bySub: 'sub', [USERNAME_LOWER_INDEX]: USERNAME_LOWER_ATTRIBUTE };
