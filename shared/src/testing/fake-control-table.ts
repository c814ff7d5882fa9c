// In-memory stand-in for the control table as region roles use it: GetItem, and PutItem guarded by the revision
// condition writeRoles sets.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The control table as far as roles use it: GetItem, and PutItem guarded by the revision condition. */
export class FakeControlTable {
  item: Record<string, unknown> | undefined;
  gets = 0;
  failGets = false;

  get client(): DynamoDBDocumentClient {
    return this as unknown as DynamoDBDocumentClient;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the fake receives the document client's command shapes
  async send(command: { constructor: { name: string }; input: any }): Promise<unknown> {
    if (command.constructor.name === 'GetCommand') {
      this.gets += 1;
      if (this.failGets) throw Object.assign(new Error('unreachable'), { name: 'TimeoutError' });
      return { Item: this.item && structuredClone(this.item) };
    }
    const { Item, ExpressionAttributeValues: values } = command.input;
    const revision = (this.item?.revision as number | undefined) ?? 0;
    const expected = values[':revision'] ?? values[':zero'];
    if (revision !== expected) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    this.item = structuredClone(Item);
    return {};
  }
}
