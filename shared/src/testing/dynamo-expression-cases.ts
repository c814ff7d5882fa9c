// DynamoDB's answers to conditions, updates and key conditions, written out case by case, and one runner that asks
// any table (key pk/sk) for them: the unit tests hold the fake state table to these answers, and an end-to-end test
// holds DynamoDB Local to the same ones, so the fakes are checked against DynamoDB rather than against themselves.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;
type Placeholders = { names?: Record<string, string>; values?: Record<string, unknown> };

/** What a request came to: the condition held (true) or not (false), or DynamoDB refused the request. */
export type Outcome = boolean | 'ValidationException';

/** A conditional PutItem over `item` (absent: no item under the key). */
export interface ConditionCase extends Placeholders {
  condition: string;
  item?: Item;
  expected: Outcome;
}

/** An UpdateItem of `item` (absent: none yet); `expected` is the item after it, or the refusal. */
export interface UpdateCase extends Placeholders {
  update: string;
  item?: Item;
  returnValues?: 'UPDATED_NEW' | 'ALL_OLD';
  expected: Item | 'ValidationException';
  /** What the update returns, for a case that asks for ReturnValues. */
  returned?: Item;
}

/** A Query of the partition QUERY_PK (holding QUERY_SORT_KEYS); `expected` lists the sort keys found, in order. */
export interface QueryCase extends Placeholders {
  keyCondition: string;
  filter?: string;
  expected: string[] | 'ValidationException';
}

const ITEM: Item = {
  n: 5,
  s: 'abc',
  e: 'é',
  b: true,
  bin: new Uint8Array([1, 2, 3]),
  l: [1, 'x'],
  m: { a: 1 },
  nul: null,
};

export const CONDITION_CASES: Record<string, ConditionCase> = {
  'a number equal to a number': { condition: 'n = :v', values: { ':v': 5 }, item: ITEM, expected: true },
  'a number against the same digits as a string': {
    condition: 'n = :v',
    values: { ':v': '5' },
    item: ITEM,
    expected: false,
  },
  'a number unequal to a string': { condition: 'n <> :v', values: { ':v': '5' }, item: ITEM, expected: true },
  'an absent attribute unequal to a value': {
    condition: '#x <> :v',
    names: { '#x': 'nothing' },
    values: { ':v': 1 },
    item: ITEM,
    expected: true,
  },
  'an absent attribute equal to a value': {
    condition: '#x = :v',
    names: { '#x': 'nothing' },
    values: { ':v': 1 },
    item: ITEM,
    expected: false,
  },
  'an absent attribute less than a value': {
    condition: '#x < :v',
    names: { '#x': 'nothing' },
    values: { ':v': 1 },
    item: ITEM,
    expected: false,
  },
  'NOT of a comparison with an absent attribute': {
    condition: 'NOT #x = :v',
    names: { '#x': 'nothing' },
    values: { ':v': 1 },
    item: ITEM,
    expected: true,
  },
  'a number less than a string': { condition: 'n < :v', values: { ':v': 'x' }, item: ITEM, expected: false },
  'strings in order': { condition: 's < :v', values: { ':v': 'abd' }, item: ITEM, expected: true },
  'a string at or above itself': {
    condition: 's >= :v',
    values: { ':v': 'abc' },
    item: ITEM,
    expected: true,
  },
  'strings by their UTF-8 bytes': { condition: 'e > :v', values: { ':v': 'z' }, item: ITEM, expected: true },
  'binary in byte order': {
    condition: 'bin < :v',
    values: { ':v': new Uint8Array([1, 2, 4]) },
    item: ITEM,
    expected: true,
  },
  'BETWEEN, bounds included': {
    condition: 'n BETWEEN :lo AND :hi',
    values: { ':lo': 1, ':hi': 5 },
    item: ITEM,
    expected: true,
  },
  'BETWEEN with its bounds reversed': {
    condition: 'n BETWEEN :lo AND :hi',
    values: { ':lo': 6, ':hi': 1 },
    item: ITEM,
    expected: 'ValidationException',
  },
  'IN finds the value of the same type': {
    condition: 'n IN (:a, :b)',
    values: { ':a': '5', ':b': 5 },
    item: ITEM,
    expected: true,
  },
  'IN without it': {
    condition: 'n IN (:a, :b)',
    values: { ':a': '5', ':b': 6 },
    item: ITEM,
    expected: false,
  },
  'begins_with of a string': {
    condition: 'begins_with(s, :p)',
    values: { ':p': 'ab' },
    item: ITEM,
    expected: true,
  },
  'begins_with of a number': {
    condition: 'begins_with(n, :p)',
    values: { ':p': '5' },
    item: ITEM,
    expected: false,
  },
  'begins_with of binary': {
    condition: 'begins_with(bin, :p)',
    values: { ':p': new Uint8Array([1, 2]) },
    item: ITEM,
    expected: true,
  },
  'a null attribute exists': { condition: 'attribute_exists(nul)', item: ITEM, expected: true },
  'the key of a stored item exists': {
    condition: 'attribute_not_exists(#k)',
    names: { '#k': 'pk' },
    item: ITEM,
    expected: false,
  },
  'no item: its key does not exist': { condition: 'attribute_not_exists(pk)', expected: true },
  'no item: any attribute is unequal to a value': {
    condition: '#x <> :v',
    names: { '#x': 'nothing' },
    values: { ':v': 1 },
    expected: true,
  },
  'no item: no attribute equals a value': {
    condition: '#x = :v',
    names: { '#x': 'nothing' },
    values: { ':v': 1 },
    expected: false,
  },
  'lists equal element by element': {
    condition: 'l = :v',
    values: { ':v': [1, 'x'] },
    item: ITEM,
    expected: true,
  },
  'maps equal key by key': { condition: 'm = :v', values: { ':v': { a: 1 } }, item: ITEM, expected: true },
  'a boolean': { condition: 'b = :v', values: { ':v': true }, item: ITEM, expected: true },
  'AND binds tighter than OR': {
    condition: 'n = :a OR n = :b AND s = :c',
    values: { ':a': 5, ':b': 6, ':c': 'zzz' },
    item: ITEM,
    expected: true,
  },
  'parentheses group first': {
    condition: '(n = :a OR n = :b) AND s = :c',
    values: { ':a': 5, ':b': 6, ':c': 'zzz' },
    item: ITEM,
    expected: false,
  },
  'NOT binds tighter than AND': {
    condition: 'NOT n = :a AND s = :c',
    values: { ':a': 6, ':c': 'zzz' },
    item: ITEM,
    expected: false,
  },
  'keywords in any case': {
    condition: 'n = :a and not s = :c',
    values: { ':a': 5, ':c': 'zzz' },
    item: ITEM,
    expected: true,
  },
  'a value placeholder never used': {
    condition: 'n = :a',
    values: { ':a': 5, ':b': 1 },
    item: ITEM,
    expected: 'ValidationException',
  },
  'a name placeholder never used': {
    condition: '#n = :a',
    names: { '#n': 'n', '#s': 's' },
    values: { ':a': 5 },
    item: ITEM,
    expected: 'ValidationException',
  },
  'a name placeholder not defined': {
    condition: '#n = :a',
    values: { ':a': 5 },
    item: ITEM,
    expected: 'ValidationException',
  },
  'a value placeholder not defined': {
    condition: 'n = :a',
    values: { ':b': 5 },
    item: ITEM,
    expected: 'ValidationException',
  },
  'a reserved word as a bare name': {
    condition: 'status = :a',
    values: { ':a': 5 },
    item: ITEM,
    expected: 'ValidationException',
  },
  'an attribute compared with itself': { condition: 'n = n', item: ITEM, expected: 'ValidationException' },
  'a syntax error': {
    condition: 'n = = :a',
    values: { ':a': 5 },
    item: ITEM,
    expected: 'ValidationException',
  },
  "the record store's guard, over an item not overtaken": {
    condition: 'attribute_not_exists(#username) OR (#version = :prev AND #updatedAt < :now)',
    names: { '#username': 'username', '#version': 'version', '#updatedAt': 'updatedAt' },
    values: { ':prev': 3, ':now': 200 },
    item: { username: 'ada', version: 3, updatedAt: 100 },
    expected: true,
  },
  "the record store's guard, over an item read at the same instant": {
    condition: 'attribute_not_exists(#username) OR (#version = :prev AND #updatedAt < :now)',
    names: { '#username': 'username', '#version': 'version', '#updatedAt': 'updatedAt' },
    values: { ':prev': 3, ':now': 100 },
    item: { username: 'ada', version: 3, updatedAt: 100 },
    expected: false,
  },
};

const STORED: Item = { n: 5, s: 'abc' };

export const UPDATE_CASES: Record<string, UpdateCase> = {
  'SET values by name and placeholder': {
    update: 'SET #a = :a, s = :s',
    names: { '#a': 'a' },
    values: { ':a': 1, ':s': 'xyz' },
    item: STORED,
    expected: { n: 5, s: 'xyz', a: 1 },
  },
  'ADD to a number': {
    update: 'ADD n :one',
    values: { ':one': 1 },
    item: STORED,
    expected: { n: 6, s: 'abc' },
  },
  'ADD to an absent number': {
    update: 'ADD c :one',
    values: { ':one': 1 },
    item: STORED,
    expected: { n: 5, s: 'abc', c: 1 },
  },
  'ADD to an item not there yet': { update: 'ADD c :one', values: { ':one': 1 }, expected: { c: 1 } },
  'SET with arithmetic on the item as it was': {
    update: 'SET n = n + :one, c = n - :one',
    values: { ':one': 1 },
    item: STORED,
    expected: { n: 6, s: 'abc', c: 4 },
  },
  'if_not_exists of an absent attribute': {
    update: 'SET d = if_not_exists(d, :z)',
    values: { ':z': 0 },
    item: STORED,
    expected: { n: 5, s: 'abc', d: 0 },
  },
  'if_not_exists of a present attribute': {
    update: 'SET d = if_not_exists(n, :z)',
    values: { ':z': 0 },
    item: STORED,
    expected: { n: 5, s: 'abc', d: 5 },
  },
  REMOVE: { update: 'REMOVE s', item: STORED, expected: { n: 5 } },
  'ADD and SET together': {
    update: 'ADD #count :one SET #expiresAt = :at',
    names: { '#count': 'count', '#expiresAt': 'expiresAt' },
    values: { ':one': 1, ':at': 99 },
    item: STORED,
    returnValues: 'UPDATED_NEW',
    expected: { n: 5, s: 'abc', count: 1, expiresAt: 99 },
    returned: { count: 1, expiresAt: 99 },
  },
  'ALL_OLD returns the item before': {
    update: 'SET n = :v',
    values: { ':v': 7 },
    item: STORED,
    returnValues: 'ALL_OLD',
    expected: { n: 7, s: 'abc' },
    returned: { n: 5, s: 'abc' },
  },
  'a key attribute': {
    update: 'SET sk = :v',
    values: { ':v': 'x' },
    item: STORED,
    expected: 'ValidationException',
  },
  'one attribute twice': {
    update: 'SET n = :a, n = :b',
    values: { ':a': 1, ':b': 2 },
    item: STORED,
    expected: 'ValidationException',
  },
  'arithmetic on an absent attribute': {
    update: 'SET n = q + :one',
    values: { ':one': 1 },
    item: STORED,
    expected: 'ValidationException',
  },
  'one section twice': {
    update: 'SET n = :a SET s = :b',
    values: { ':a': 1, ':b': 'x' },
    item: STORED,
    expected: 'ValidationException',
  },
};

export const QUERY_PK = 'query';
export const QUERY_SORT_KEYS = ['a#1', 'a#2', 'b#1'];

export const QUERY_CASES: Record<string, QueryCase> = {
  'the whole partition, in sort key order': {
    keyCondition: 'pk = :pk',
    values: { ':pk': QUERY_PK },
    expected: QUERY_SORT_KEYS,
  },
  'a sort key prefix': {
    keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
    values: { ':pk': QUERY_PK, ':prefix': 'a#' },
    expected: ['a#1', 'a#2'],
  },
  'a sort key range': {
    keyCondition: 'pk = :pk AND sk BETWEEN :from AND :to',
    values: { ':pk': QUERY_PK, ':from': 'a#2', ':to': 'b#1' },
    expected: ['a#2', 'b#1'],
  },
  'sort keys above one': {
    keyCondition: '#pk = :pk AND #sk > :after',
    names: { '#pk': 'pk', '#sk': 'sk' },
    values: { ':pk': QUERY_PK, ':after': 'a#1' },
    expected: ['a#2', 'b#1'],
  },
  'a filter after the key condition': {
    keyCondition: 'pk = :pk',
    filter: '#at >= :since',
    names: { '#at': 'at' },
    values: { ':pk': QUERY_PK, ':since': 2 },
    expected: ['a#2', 'b#1'],
  },
  'the sort key alone': {
    keyCondition: 'sk = :sk',
    values: { ':sk': 'a#1' },
    expected: 'ValidationException',
  },
  'OR in a key condition': {
    keyCondition: 'pk = :pk OR sk = :sk',
    values: { ':pk': QUERY_PK, ':sk': 'a#1' },
    expected: 'ValidationException',
  },
  'an inequality on the partition key': {
    keyCondition: 'pk <> :pk',
    values: { ':pk': QUERY_PK },
    expected: 'ValidationException',
  },
  'a non-key attribute in the key condition': {
    keyCondition: 'pk = :pk AND n = :n',
    values: { ':pk': QUERY_PK, ':n': 5 },
    expected: 'ValidationException',
  },
};

const refused = (error: unknown): 'ValidationException' => {
  if ((error as Error).name === 'ValidationException') return 'ValidationException';
  throw error;
};

const placeholders = ({ names, values }: Placeholders) => ({
  ...(names ? { ExpressionAttributeNames: names } : {}),
  ...(values ? { ExpressionAttributeValues: values } : {}),
});

/** Asks the table: a conditional put over the case's item, under a key of its own. */
export async function runConditionCase(
  table: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  { condition, item, ...rest }: ConditionCase,
): Promise<Outcome> {
  const Key = { pk: key, sk: 'item' };
  await table.send(new DeleteCommand({ TableName: tableName, Key }));
  if (item) await table.send(new PutCommand({ TableName: tableName, Item: { ...item, ...Key } }));
  try {
    await table.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...Key, written: true },
        ConditionExpression: condition,
        ...placeholders(rest),
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    return refused(error);
  }
}

/** Asks the table: an update of the case's item; the item after it (without its key) and what it returned. */
export async function runUpdateCase(
  table: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  { update, item, returnValues, ...rest }: UpdateCase,
): Promise<{ after: Item | 'ValidationException'; returned?: Item }> {
  const Key = { pk: key, sk: 'item' };
  await table.send(new DeleteCommand({ TableName: tableName, Key }));
  if (item) await table.send(new PutCommand({ TableName: tableName, Item: { ...item, ...Key } }));
  try {
    const { Attributes } = await table.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: update,
        ...(returnValues ? { ReturnValues: returnValues } : {}),
        ...placeholders(rest),
      }),
    );
    const { Item } = await table.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
    const { pk: _pk, sk: _sk, ...after } = Item ?? {};
    const returnedWithoutKey =
      Attributes &&
      Object.fromEntries(Object.entries(Attributes).filter(([name]) => name !== 'pk' && name !== 'sk'));
    return { after, ...(returnedWithoutKey ? { returned: returnedWithoutKey } : {}) };
  } catch (error) {
    return { after: refused(error) };
  }
}

/** Puts the partition every query case reads: one item per sort key, `at` counting up from 1. */
export async function putQueryItems(table: DynamoDBDocumentClient, tableName: string): Promise<void> {
  for (const [index, sk] of QUERY_SORT_KEYS.entries()) {
    await table.send(new PutCommand({ TableName: tableName, Item: { pk: QUERY_PK, sk, at: index + 1 } }));
  }
}

/** Asks the table: a Query with the case's key condition and filter; the sort keys it found. */
export async function runQueryCase(
  table: DynamoDBDocumentClient,
  tableName: string,
  { keyCondition, filter, ...rest }: QueryCase,
): Promise<string[] | 'ValidationException'> {
  try {
    const { Items } = await table.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: keyCondition,
        ...(filter ? { FilterExpression: filter } : {}),
        ...placeholders(rest),
      }),
    );
    return (Items ?? []).map((item) => String(item.sk));
  } catch (error) {
    return refused(error);
  }
}

/** A transaction's answer: the cancellation reasons (empty when it went through) and whether its put landed. */
export interface TransactionOutcome {
  reasons: string[];
  written: boolean;
}

/** The two answers of TRANSACTION_CASE: checked against another holder, then against the holder itself. */
export const TRANSACTION_EXPECTED: TransactionOutcome[] = [
  { reasons: ['ConditionalCheckFailed', 'None'], written: false },
  { reasons: [], written: true },
];

/**
 * Asks the table for a put in a transaction with a condition on another item (as a run's checkpoint is written under
 * its lease): first conditioned on a holder that does not hold it, then on the one that does.
 */
export async function runTransactionCase(
  table: DynamoDBDocumentClient,
  tableName: string,
): Promise<TransactionOutcome[]> {
  const lease = { pk: 'transaction', sk: 'lease' };
  const written = { pk: 'transaction', sk: 'written' };
  await table.send(new PutCommand({ TableName: tableName, Item: { ...lease, holder: 'first' } }));
  const outcomes: TransactionOutcome[] = [];
  for (const holder of ['second', 'first']) {
    await table.send(new DeleteCommand({ TableName: tableName, Key: written }));
    let reasons: string[] = [];
    try {
      await table.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: lease,
                ConditionExpression: '#holder = :holder',
                ExpressionAttributeNames: { '#holder': 'holder' },
                ExpressionAttributeValues: { ':holder': holder },
              },
            },
            { Put: { TableName: tableName, Item: { ...written, by: holder } } },
          ],
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      reasons = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
        (reason) => String(reason.Code),
      );
    }
    const { Item } = await table.send(
      new GetCommand({ TableName: tableName, Key: written, ConsistentRead: true }),
    );
    outcomes.push({ reasons, written: Item !== undefined });
  }
  return outcomes;
}
