// The local stack warms the sign-up path's functions before it reports ready (local/stack/warm-functions.ts): the
// events it uses must leave both pools and both tables as they were, whichever region is active.
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { WARM_UP_USERNAME, warmFunctions, warmUpTargets } from '../../local/stack/warm-functions';
import { backupPool, backupTable, primaryPool, primaryTable, stack } from '../support/stack';

/** serverless offline's names: the service and stage before each function key, as in stack.lambda.functions. */
const namesLike = (example: string, key: string) => (fn: string) =>
  example.replace(new RegExp(`${key}$`), fn);

const lambdaAt = (endpoint: string) =>
  new LambdaClient({
    region: stack.primary.region,
    endpoint,
    credentials: stack.credentials,
    maxAttempts: 1,
  });

describe('warming the local stack', () => {
  it('invokes every function of the sign-up path in both regions and writes nothing anywhere', async () => {
    const primary = await warmFunctions(
      lambdaAt(stack.lambda.primaryEndpoint),
      warmUpTargets(
        'primary',
        {
          region: stack.primary.region,
          userPoolId: stack.primary.userPoolId,
          clientId: stack.primary.clientId,
        },
        namesLike(stack.lambda.functions.onPostConfirmation, 'onPostConfirmation'),
      ),
    );
    const backup = await warmFunctions(
      lambdaAt(stack.lambda.replicaEndpoint),
      warmUpTargets(
        'backup',
        {
          region: stack.backup.region,
          userPoolId: stack.backup.userPoolId,
          clientId: stack.backup.replicatorClientId ?? stack.backup.clientId,
        },
        namesLike(stack.lambda.functions.onUserRecordChange, 'onUserRecordChange'),
      ),
    );
    expect(primary.functions).toBeGreaterThanOrEqual(7);
    expect(backup.functions).toBeGreaterThanOrEqual(5);

    for (const [table, tableName] of [
      [primaryTable, stack.primary.tableName],
      [backupTable, stack.backup.tableName],
    ] as const) {
      const { Item } = await table.send(
        new GetCommand({ TableName: tableName, Key: { username: WARM_UP_USERNAME }, ConsistentRead: true }),
      );
      expect(Item).toBeUndefined();
    }
    for (const [pool, userPoolId] of [
      [primaryPool, stack.primary.userPoolId],
      [backupPool, stack.backup.userPoolId],
    ] as const) {
      await expect(
        pool.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: WARM_UP_USERNAME })),
      ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    }
  });
});
