// The fake tables' written-out answers hold for DynamoDB itself: every condition, update and query case the unit
// tests hold the fakes to is asked of DynamoDB Local here, so a fake cannot drift from DynamoDB unnoticed.
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
} from '@cognito-dr/shared/src/testing/dynamo-expression-cases';
import { stack } from '../support/stack';

const raw = new DynamoDBClient({
  region: stack.primary.region,
  endpoint: stack.primary.dynamodbEndpoint,
  credentials: stack.credentials,
});
const table = DynamoDBDocumentClient.from(raw);
const TABLE = `expression-cases-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  await raw.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await putQueryItems(table, TABLE);
});

afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName: TABLE }));
  raw.destroy();
});

describe('DynamoDB answers as the fake tables do', () => {
  it.each(Object.entries(CONDITION_CASES))('condition: %s', async (name, example) => {
    expect(await runConditionCase(table, TABLE, name, example)).toBe(example.expected);
  });

  it.each(Object.entries(UPDATE_CASES))('update: %s', async (name, example) => {
    const { after, returned } = await runUpdateCase(table, TABLE, name, example);
    expect(after).toEqual(example.expected);
    expect(returned).toEqual(example.returned);
  });

  it.each(Object.entries(QUERY_CASES))('query: %s', async (_, example) => {
    expect(await runQueryCase(table, TABLE, example)).toEqual(example.expected);
  });

  it('transaction: a condition on another item that fails cancels the put, with a reason per item', async () => {
    expect(await runTransactionCase(table, TABLE)).toEqual(TRANSACTION_EXPECTED);
  });
});
