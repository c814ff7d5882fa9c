// In-memory stand-in for a region's state table (key pk/sk) behind a DynamoDBDocumentClient: Get, Put and Delete
// with the lease's conditions, Query by pk and sk prefix (and `at` no earlier than :since); counts write units as DynamoDB bills them.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;
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
    switch (name) {
      case 'GetCommand':
        return { Item: this.items.get(keyOf(input.Key)) };
      case 'PutCommand': {
        const key = keyOf(input.Item);
        this.check(this.items.get(key), input);
        const bytes = sizeOf(input.Item);
        if (bytes > 400 * 1024) throw new Error(`item of ${bytes} bytes is over DynamoDB's 400 KB limit`);
        this.writeUnits += Math.max(1, Math.ceil(bytes / 1024));
        this.largestItemBytes = Math.max(this.largestItemBytes, bytes);
        this.items.set(key, { ...input.Item });
        return {};
      }
      case 'DeleteCommand': {
        const key = keyOf(input.Key);
        this.check(this.items.get(key), input);
        this.items.delete(key);
        this.writeUnits += 1;
        return {};
      }
      case 'QueryCommand': {
        const values = input.ExpressionAttributeValues as Record<string, string>;
        const Items = [...this.items.values()]
          .filter((item) => item.pk === values[':pk'] && String(item.sk).startsWith(values[':chunk'] ?? ''))
          .filter((item) => values[':since'] === undefined || Number(item.at) >= Number(values[':since']))
          .sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
        return { Items, Count: Items.length };
      }
      default:
        throw new Error(`FakeStateTable does not implement ${name}`);
    }
  }

  /** The lease's conditions: terms joined by OR, each attribute_not_exists(pk), #a = :v or #a < :v. */
  private check(
    current: Item | undefined,
    input: { ConditionExpression?: string } & Record<string, unknown>,
  ): void {
    const condition = input.ConditionExpression;
    if (!condition) return;
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const holds = condition.split(' OR ').some((term) => {
      if (term.trim() === 'attribute_not_exists(pk)') return current === undefined;
      const match = /^(#\w+) ([=<]) (:\w+)$/.exec(term.trim());
      if (!match || !current) return false;
      const [, name, operator, value] = match;
      const actual = current[names[name as string] as string];
      const expected = values[value as string];
      return operator === '=' ? actual === expected : (actual as number) < (expected as number);
    });
    if (!holds)
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  }
}

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
