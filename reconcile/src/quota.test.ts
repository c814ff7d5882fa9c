// Budgets per quota category: parsed from the command line or environment, and kept by every call of a run.
import { AdminGetUserCommand, TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { ConfigError, envReader } from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { PagingUserPool } from '@cognito-dr/shared/src/testing/paging-user-pool';
import { budgetedCognito, budgetFromEnv, budgetOf, parseBudget } from './quota';

describe('budgets', () => {
  it('paces each category at its budget and retries a throttled call, counting every attempt', async () => {
    const clock = new FakeClock();
    const pool = new PagingUserPool();
    pool.addUsers(3);
    pool.clock = clock;
    const paced = budgetedCognito(pool.client, budgetOf({ UserRead: 2 }), clock);
    pool.failNext('AdminGetUser', new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    for (const username of ['user-0000', 'user-0001', 'user-0002']) {
      await paced.client.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: username }));
    }

    const reads = pool.callTimes.filter((call) => call.command === 'AdminGetUser').map((call) => call.at);
    expect(reads).toHaveLength(4);
    // Two a second: never two within half a second of each other, throttled attempt included.
    for (let i = 1; i < reads.length; i++)
      expect((reads[i] as number) - (reads[i - 1] as number)).toBeGreaterThanOrEqual(500);
    expect(paced.calls).toMatchObject({ UserRead: 4, UserList: 0 });
  });

  it('reads per-category rates and says which category or value is wrong', () => {
    expect(parseBudget('UserList=10, UserRead=40')).toEqual({ UserList: 10, UserRead: 40 });
    expect(parseBudget('')).toEqual({});
    expect(() => parseBudget('UserLists=10')).toThrow(/"UserLists": not a quota category/);
    expect(() => parseBudget('UserList=fast')).toThrow(/UserList: must be a positive number/);
  });

  it('builds a function budget from QUOTA_SHARE and COGNITO_RPS, or refuses at cold start', () => {
    expect(budgetFromEnv(envReader({ QUOTA_SHARE: '0.2', COGNITO_RPS: 'UserList=3' }))).toMatchObject({
      UserList: 3,
      UserRead: 24,
    });
    expect(() => budgetFromEnv(envReader({ COGNITO_RPS: 'UserList=0' }))).toThrow(ConfigError);
  });
});
