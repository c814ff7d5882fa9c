import { join } from 'node:path';
import { readTableDefinition } from './table-definition';

describe('readTableDefinition', () => {
  it('takes the local table from the primary service global table resource', () => {
    const def = readTableDefinition(join(__dirname, '../../services/primary/serverless.yml'), 'local');
    expect(def.create.TableName).toBe('cognito-dr-users-local');
    expect(def.create.KeySchema).toEqual([{ AttributeName: 'username', KeyType: 'HASH' }]);
    expect(def.create.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(def.ttlAttribute).toBe('expiresAt');
    expect(def.create.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['bySub']);
  });
});
