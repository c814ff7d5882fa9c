// In-memory stand-in for the control table as region roles use it: GetItem of the roles item, and PutItem under
// the condition the request carries, evaluated as DynamoDB would (dynamo-expressions.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CONTROL_TABLE_KEY } from '../region-roles';
import { checkExpressions, conditionHolds } from './dynamo-expressions';

/** The control table as far as roles use it: the one roles item, read and conditionally replaced. */
export class FakeControlTable {
  item: Record<string, unknown> | undefined;
  gets = 0;
  failGets = false;

  get client(): DynamoDBDocumentClient {
    return this as unknown as DynamoDBDocumentClient;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the fake receives the document client's command shapes
  async send(command: { constructor: { name: string }; input: any }): Promise<unknown> {
    const { input } = command;
    checkExpressions(input);
    if (command.constructor.name === 'GetCommand') {
      this.gets += 1;
      if (this.failGets) throw Object.assign(new Error('unreachable'), { name: 'TimeoutError' });
      return { Item: this.holds(input.Key) ? structuredClone(this.item) : undefined };
    }
    if (command.constructor.name !== 'PutCommand') {
      throw new Error(`FakeControlTable does not implement ${command.constructor.name}`);
    }
    const current = this.holds(input.Item) ? this.item : undefined;
    if (
      input.ConditionExpression !== undefined &&
      !conditionHolds(input.ConditionExpression, current, input)
    ) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    this.item = structuredClone(input.Item);
    return {};
  }

  /** Whether the item held is the one this key names (the fake holds one item: the roles). */
  private holds(key: Record<string, unknown>): boolean {
    return this.item !== undefined && this.item[CONTROL_TABLE_KEY] === key[CONTROL_TABLE_KEY];
  }
}
