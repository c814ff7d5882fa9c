// The fake tables evaluate the expressions they are given, as DynamoDB does: the written-out cases (the same ones an
// end-to-end test asks DynamoDB Local), and a refusal of any grammar they do not evaluate.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { CONTROL_TABLE_KEY, ROLES_KEY } from '../region-roles';
import {
  CONDITION_CASES,
  putQueryItems,
  QUERY_CASES,
  runConditionCase,
  runQueryCase,
  runTransactionCase,
  runUpdateCase,
  TRANSACTION_EXPECTED,
  UPDATE_CASES,
} from './dynamo-expression-cases';
import { UnsupportedExpressionError } from './dynamo-expressions';
import { FakeControlTable } from './fake-control-table';
import { FakeStateTable } from './fake-state-table';
import { FakeTable } from './fake-table';
import { ScannableTable } from './scannable-table';

const TABLE = 'fake';

describe('the fake state table answers as DynamoDB does', () => {
  it.each(Object.entries(CONDITION_CASES))('condition: %s', async (name, example) => {
    const table = new FakeStateTable();
    expect(await runConditionCase(table.client, TABLE, name, example)).toBe(example.expected);
  });

  it.each(Object.entries(UPDATE_CASES))('update: %s', async (name, example) => {
    const table = new FakeStateTable();
    const { after, returned } = await runUpdateCase(table.client, TABLE, name, example);
    expect(after).toEqual(example.expected);
    expect(returned).toEqual(example.returned);
  });

  it.each(Object.entries(QUERY_CASES))('query: %s', async (_, example) => {
    const table = new FakeStateTable();
    await putQueryItems(table.client, TABLE);
    expect(await runQueryCase(table.client, TABLE, example)).toEqual(example.expected);
  });

  it('transaction: a condition on another item that fails cancels the put, with a reason per item', async () => {
    const table = new FakeStateTable();
    expect(await runTransactionCase(table.client, TABLE)).toEqual(TRANSACTION_EXPECTED);
  });
});

describe('the fake tables refuse what they do not evaluate', () => {
  it.each([
    ['contains()', 'contains(s, :v)'],
    ['size()', 'size(s) > :v'],
    ['attribute_type()', 'attribute_type(s, :v)'],
    ['a nested path', 'm.a = :v'],
    ['a list element', 'l[0] = :v'],
  ])('a condition with %s', async (_, condition) => {
    const table = new FakeStateTable();
    await expect(
      table.client.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'a', sk: 'b' },
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':v': 1 },
        }),
      ),
    ).rejects.toBeInstanceOf(UnsupportedExpressionError);
  });

  it.each([
    ['DELETE from a set', 'DELETE tags :v'],
    ['list_append()', 'SET l = list_append(l, :v)'],
    ['ADD of a set', 'ADD tags :v'],
  ])('an update with %s', async (_, update) => {
    const table = new FakeStateTable();
    await expect(
      table.client.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: 'a', sk: 'b' },
          UpdateExpression: update,
          ExpressionAttributeValues: { ':v': new Set(['x']) },
        }),
      ),
    ).rejects.toBeInstanceOf(UnsupportedExpressionError);
  });
});

describe('the fake users table', () => {
  it('evaluates the condition a write carries, whatever it is', async () => {
    const table = new FakeTable();
    table.put({ username: 'ada', version: 2 });
    const put = (condition: string, values: Record<string, unknown>) =>
      table.client.send(
        new PutCommand({
          TableName: TABLE,
          Item: { username: 'ada', version: 3 },
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );

    await expect(put('version = :v', { ':v': 1 })).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect(table.get('ada')).toEqual({ username: 'ada', version: 2 });
    await put('version > :v', { ':v': 1 });
    expect(table.get('ada')).toEqual({ username: 'ada', version: 3 });
    await expect(
      table.client.send(
        new DeleteCommand({
          TableName: TABLE,
          Key: { username: 'ada' },
          ConditionExpression: 'attribute_not_exists(username)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(table.get('ada')).toBeDefined();
  });

  it('answers index queries with the projected attributes only, and refuses consistent reads of an index', async () => {
    const table = new FakeTable();
    table.put({ username: 'Ada', usernameLower: 'ada', sub: 's-1', deleted: true, email: 'x' });
    table.put({ username: 'bob', usernameLower: 'bob', sub: 's-2' });
    const query = (consistent: boolean) =>
      table.client.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'bySub',
          KeyConditionExpression: '#sub = :sub',
          ExpressionAttributeNames: { '#sub': 'sub' },
          ExpressionAttributeValues: { ':sub': 's-1' },
          ...(consistent ? { ConsistentRead: true } : {}),
        }),
      );

    expect((await query(false)).Items).toEqual([{ username: 'Ada', sub: 's-1', deleted: true }]);
    await expect(query(true)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('scans with the filter applied after the page is read, as Limit counts items read', async () => {
    const table = new ScannableTable();
    for (const username of ['a', 'b', 'c', 'd']) table.put({ username, keep: username !== 'b' });
    const scan = (ExclusiveStartKey?: Record<string, unknown>) =>
      table.client.send(
        new ScanCommand({
          TableName: TABLE,
          Limit: 2,
          FilterExpression: '#keep = :yes',
          ProjectionExpression: 'username',
          ExpressionAttributeNames: { '#keep': 'keep' },
          ExpressionAttributeValues: { ':yes': true },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );

    const first = await scan();
    expect(first).toMatchObject({ Items: [{ username: 'a' }], Count: 1, ScannedCount: 2 });
    const second = await scan(first.LastEvaluatedKey);
    expect(second.Items).toEqual([{ username: 'c' }, { username: 'd' }]);
    expect(second.LastEvaluatedKey).toBeUndefined();
  });
});

describe('the fake control table', () => {
  it('evaluates the condition a put carries against the item under that key', async () => {
    const control = new FakeControlTable();
    control.item = { [CONTROL_TABLE_KEY]: ROLES_KEY, revision: 4 };
    const put = (condition: string, revision: number) =>
      control.client.send(
        new PutCommand({
          TableName: TABLE,
          Item: { [CONTROL_TABLE_KEY]: ROLES_KEY, revision: 5 },
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#revision': 'revision' },
          ExpressionAttributeValues: { ':revision': revision },
        }),
      );

    await expect(put('#revision = :revision', 3)).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    await expect(put('#revision < :revision', 3)).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    await put('#revision > :revision', 3);
    expect(control.item).toEqual({ [CONTROL_TABLE_KEY]: ROLES_KEY, revision: 5 });
    const { Item } = await control.client.send(
      new GetCommand({ TableName: TABLE, Key: { [CONTROL_TABLE_KEY]: 'another-item' } }),
    );
    expect(Item).toBeUndefined();
  });
});
