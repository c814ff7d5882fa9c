import { join } from 'node:path';
import { readTableDefinition } from './table-definition';

describe('readTableDefinition', () => {
  const yml = (service: string) => join(__dirname, '../../services', service, 'serverless.yml');

  it('takes the users table from the primary service global table resource', () => {
    const def = readTableDefinition(yml('primary'), 'local', 'ReplicationTable', 'tableName');
    expect(def.create.TableName).toBe('cognito-dr-users-local');
    expect(def.create.KeySchema).toEqual([{ AttributeName: 'username', KeyType: 'HASH' }]);
    expect(def.create.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(def.ttlAttribute).toBe('expiresAt');
    expect(def.create.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['bySub', 'byUsernameLower']);
  });

  it('reads a regional table and its sort key from either service', () => {
    const def = readTableDefinition(yml('replica'), 'local', 'StateTable', 'stateTableName');
    expect(def.create.TableName).toBe('cognito-dr-state-local');
    expect(def.create.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(def.create.StreamSpecification).toBeUndefined();
  });

  it('refuses a resource that is not a table, naming it', () => {
    expect(() => readTableDefinition(yml('primary'), 'local', 'UserPool', 'tableName')).toThrow(
      /declares no DynamoDB table UserPool/,
    );
  });
});
