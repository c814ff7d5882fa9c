// In-memory stand-in for a region's state table (key pk/sk) behind a DynamoDBDocumentClient: Get, Put, Delete and
// Update under the conditions they carry, TransactWrite of condition checks, puts and deletes (all or nothing),
// Query by key condition and filter; counts write units as DynamoDB bills them. Every expression is evaluated as DynamoDB would (dynamo-expressions.ts).
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  applyUpdate,
  checkExpressions,
  conditionHolds,
  type ExpressionInput,
  keyConditionHolds,
  project,
  returnedAttributes,
} from './dynamo-expressions';

type Item = Record<string, unknown>;
type ItemInput = ExpressionInput & { Key?: Item; ConditionExpression?: string };
// biome-ignore lint/suspicious/noExplicitAny: a fake receives every command shape the real client accepts.
type AnyCommand = { constructor: { name: string }; input: any };

export class FakeStateTable {
  readonly items = new Map<string, Item>();
  /** Write request units consumed: 1 per started KB of each item written. */
  writeUnits = 0;
  /** Largest item written, in bytes (DynamoDB refuses items over 400 KB). */
  largestItemBytes = 0;
  readonly calls: string[] = [];
  /** Runs before each command; may throw to stage a failure. */
  beforeSend: ((command: string) => void) | undefined;
  private asClient: DynamoDBDocumentClient | undefined;

  get client(): DynamoDBDocumentClient {
    this.asClient ??= Object.assign(Object.create(DynamoDBDocumentClient.prototype), {
      send: (command: AnyCommand) => this.send(command),
      destroy: () => {},
    }) as DynamoDBDocumentClient;
    return this.asClient;
  }

  async send(command: AnyCommand): Promise<unknown> {
    const name = command.constructor.name;
    this.calls.push(name);
    this.beforeSend?.(name);
    const input = command.input;
    checkExpressions(input);
    switch (name) {
      case 'GetCommand': {
        const item = this.items.get(keyOf(input.Key));
        return { Item: item && project({ ...item }, input) };
      }
      case 'PutCommand': {
        this.check(this.items.get(keyOf(input.Item)), input);
        this.put(input.Item, 1);
        return {};
      }
      case 'DeleteCommand': {
        const key = keyOf(input.Key);
        this.check(this.items.get(key), input);
        this.items.delete(key);
        this.writeUnits += 1;
        return {};
      }
      case 'TransactWriteCommand':
        return this.transactWrite(input.TransactItems);
      case 'UpdateCommand': {
        const key = keyOf(input.Key);
        const before = this.items.get(key);
        this.check(before, input);
        const { item, updated } = applyUpdate(input.UpdateExpression, before ?? { ...input.Key }, input, KEY);
        this.writeUnits += Math.max(1, Math.ceil(sizeOf(item) / 1024));
        this.items.set(key, item);
        const Attributes = returnedAttributes(input.ReturnValues, before, item, updated);
        return Attributes ? { Attributes } : {};
      }
      case 'QueryCommand': {
        if (input.IndexName !== undefined) throw new Error(`FakeStateTable has no index ${input.IndexName}`);
        const Items = [...this.items.values()]
          .filter((item) => keyConditionHolds(input.KeyConditionExpression, SCHEMA, item, input))
          .sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1))
          .filter(
            (item) =>
              input.FilterExpression === undefined || conditionHolds(input.FilterExpression, item, input),
          )
          .map((item) => project({ ...item }, input));
        return { Items, Count: Items.length };
      }
      default:
        throw new Error(`FakeStateTable does not implement ${name}`);
    }
  }

  /** Stores an item, billed `factor` times (a transaction's writes cost two units per KB). */
  private put(item: Item, factor: number): void {
    const bytes = sizeOf(item);
    if (bytes > 400 * 1024) throw new Error(`item of ${bytes} bytes is over DynamoDB's 400 KB limit`);
    this.writeUnits += factor * Math.max(1, Math.ceil(bytes / 1024));
    this.largestItemBytes = Math.max(this.largestItemBytes, bytes);
    this.items.set(keyOf(item), { ...item });
  }

  /** Every item's condition is judged first; one failing cancels them all, with a reason per item as DynamoDB gives. */
  private transactWrite(
    transact: { ConditionCheck?: ItemInput; Put?: ItemInput & { Item: Item }; Delete?: ItemInput }[],
  ): unknown {
    const parts = transact.map((part) => {
      const [kind, input] = Object.entries(part)[0] as [string, ItemInput & { Item?: Item }];
      if (!['ConditionCheck', 'Put', 'Delete'].includes(kind))
        throw new Error(`FakeStateTable does not implement a transaction's ${kind}`);
      checkExpressions(input);
      if (kind === 'ConditionCheck' && input.ConditionExpression === undefined)
        throw new Error('a ConditionCheck needs a ConditionExpression');
      return { kind, input, key: keyOf(kind === 'Put' ? (input.Item as Item) : (input.Key as Item)) };
    });
    if (new Set(parts.map((part) => part.key)).size !== parts.length)
      throw new Error('a transaction cannot touch one item twice');
    const reasons = parts.map(({ input, key }) =>
      input.ConditionExpression === undefined ||
      conditionHolds(input.ConditionExpression, this.items.get(key), input)
        ? { Code: 'None' }
        : { Code: 'ConditionalCheckFailed' },
    );
    if (reasons.some((reason) => reason.Code !== 'None')) {
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        CancellationReasons: reasons,
        $metadata: {},
      });
    }
    for (const { kind, input, key } of parts) {
      if (kind === 'Put') this.put(input.Item as Item, 2);
      else if (kind === 'Delete') {
        this.items.delete(key);
        this.writeUnits += 2;
      }
    }
    return {};
  }

  /** A write's ConditionExpression against the item as it stands; ConditionalCheckFailedException when it fails. */
  private check(current: Item | undefined, input: ExpressionInput): void {
    if (input.ConditionExpression === undefined) return;
    if (!conditionHolds(input.ConditionExpression, current, input))
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  }
}

const KEY = ['pk', 'sk'];
const SCHEMA = { hash: 'pk', range: 'sk' };

const keyOf = (item: { pk?: unknown; sk?: unknown }) => `${String(item.pk)}\u0000${String(item.sk)}`;

/** DynamoDB's item size: attribute names plus values (binary as its bytes, strings as UTF-8, numbers about 8). */
function sizeOf(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (value instanceof Uint8Array) bytes += value.byteLength;
    else if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else bytes += 8;
  }
  return bytes;
}
