// Budgets per quota category: parsed from the command line or environment, applied to every command by its category.
import {
  AdminCreateUserCommand,
  AdminListGroupsForUserCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConfigError, envReader } from '@cognito-dr/shared';
import { budgetFromEnv, categoryOf, parseBudget } from './quota';

describe('quota categories', () => {
  it('puts each command in its documented category, and an unknown one in the smallest write category', () => {
    expect(categoryOf(new ListUsersInGroupCommand({ UserPoolId: 'p', GroupName: 'g' }))).toBe('UserList');
    expect(categoryOf(new AdminListGroupsForUserCommand({ UserPoolId: 'p', Username: 'u' }))).toBe(
      'UserResourceRead',
    );
    expect(categoryOf(new AdminCreateUserCommand({ UserPoolId: 'p', Username: 'u' }))).toBe('UserCreation');
    expect(categoryOf(new SignUpCommand({ ClientId: 'c', Username: 'u', Password: 'p' }))).toBe(
      'UserCreation',
    );
    expect(categoryOf({ some: 'command' })).toBe('UserUpdate');
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
