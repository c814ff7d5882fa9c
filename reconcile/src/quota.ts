// Cognito's request-rate quota categories, the share of each a bulk run may use, and the client that keeps every
// call of a run inside its category's budget and counts it.
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type Clock,
  COGNITO_QUOTAS,
  type QuotaCategory as CognitoQuotaCategory,
  ConfigError,
  type EnvReader,
} from '@cognito-dr/shared';
import { Pacer } from './pacer';

export const QUOTA_CATEGORIES = [
  'UserCreation',
  'UserAccountRecovery',
  'UserRead',
  'UserUpdate',
  'UserResourceRead',
  'UserList',
  'UserPoolRead',
  'UserPoolResourceRead',
  'UserPoolResourceUpdate',
] as const satisfies readonly CognitoQuotaCategory[];
export type QuotaCategory = (typeof QUOTA_CATEGORIES)[number];

/** Requests per second per account and region, as the Cognito quota documentation gives the defaults. */
export const DEFAULT_QUOTAS = Object.fromEntries(
  QUOTA_CATEGORIES.map((category) => [category, COGNITO_QUOTAS[category].rps]),
) as Readonly<Record<QuotaCategory, number>>;

/** A bulk run takes at most half of each default quota: the rest is the application's, the triggers' and the replica's. */
export const DEFAULT_QUOTA_SHARE = 0.5;

/** Calls per second a run may make in each category. */
export type Budget = Record<QuotaCategory, number>;

/** The budget: `share` of every default quota, then any explicit per-category rate. */
export function budgetOf(overrides: Partial<Budget> = {}, share = DEFAULT_QUOTA_SHARE): Budget {
  if (!Number.isFinite(share) || share <= 0 || share > 1) {
    throw new RangeError(`quota share must be a number in (0, 1], got ${share}`);
  }
  const budget = {} as Budget;
  for (const category of QUOTA_CATEGORIES) {
    const rate = overrides[category] ?? DEFAULT_QUOTAS[category] * share;
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new RangeError(`${category}: must be a positive number of calls per second, got ${rate}`);
    }
    budget[category] = rate;
  }
  return budget;
}

/** "UserList=10,UserRead=40" (the CLI's --rps and the functions' COGNITO_RPS) as per-category rates. */
export function parseBudget(text: string): Partial<Budget> {
  const rates: Partial<Budget> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const [name = '', value = ''] = part.split('=').map((piece) => piece.trim());
    const category = QUOTA_CATEGORIES.find((known) => known === name);
    if (!category) throw new RangeError(`"${name}": not a quota category (${QUOTA_CATEGORIES.join(', ')})`);
    const rate = Number(value);
    if (value === '' || !Number.isFinite(rate) || rate <= 0) {
      throw new RangeError(`${category}: must be a positive number of calls per second, got "${value}"`);
    }
    rates[category] = rate;
  }
  return rates;
}

/** Commands by category. Matched by constructor, not by name: bundles are minified. */
const CATEGORY_OF = new Map<unknown, QuotaCategory>([
  [SignUpCommand, 'UserCreation'],
  [ConfirmSignUpCommand, 'UserCreation'],
  [AdminCreateUserCommand, 'UserCreation'],
  [AdminConfirmSignUpCommand, 'UserCreation'],
  [AdminSetUserPasswordCommand, 'UserAccountRecovery'],
  [AdminResetUserPasswordCommand, 'UserAccountRecovery'],
  [AdminGetUserCommand, 'UserRead'],
  [AdminUpdateUserAttributesCommand, 'UserUpdate'],
  [AdminDeleteUserAttributesCommand, 'UserUpdate'],
  [AdminEnableUserCommand, 'UserUpdate'],
  [AdminDisableUserCommand, 'UserUpdate'],
  [AdminDeleteUserCommand, 'UserUpdate'],
  [AdminAddUserToGroupCommand, 'UserUpdate'],
  [AdminRemoveUserFromGroupCommand, 'UserUpdate'],
  [AdminUserGlobalSignOutCommand, 'UserUpdate'],
  [AdminListGroupsForUserCommand, 'UserResourceRead'],
  [ListUsersCommand, 'UserList'],
  [ListUsersInGroupCommand, 'UserList'],
  [DescribeUserPoolCommand, 'UserPoolRead'],
  [ListGroupsCommand, 'UserPoolResourceRead'],
  [GetGroupCommand, 'UserPoolResourceRead'],
  [CreateGroupCommand, 'UserPoolResourceUpdate'],
  [UpdateGroupCommand, 'UserPoolResourceUpdate'],
  [DeleteGroupCommand, 'UserPoolResourceUpdate'],
]);

/**
 * The category a command counts against. A command this table does not know is paced as UserUpdate, the smallest
 * non-adjustable category, so a call added elsewhere later can never run unpaced.
 */
export const categoryOf = (command: unknown): QuotaCategory =>
  CATEGORY_OF.get((command as { constructor?: unknown } | null)?.constructor) ?? 'UserUpdate';

export type CallCounts = Record<QuotaCategory, number>;

export const zeroCalls = (): CallCounts =>
  Object.fromEntries(QUOTA_CATEGORIES.map((category) => [category, 0])) as CallCounts;

export interface BudgetedCognito {
  /** The same client, whose `send` first waits for its category's pacer, then counts the call. */
  client: CognitoIdentityProviderClient;
  /** Calls made through `client` so far, by category. */
  calls: CallCounts;
}

/** Puts every call of `cognito` behind its category's pacer. One per pool: each region has its own quotas. */
export function budgetedCognito(
  cognito: CognitoIdentityProviderClient,
  budget: Budget,
  clock: Clock,
): BudgetedCognito {
  const pacers = new Map(QUOTA_CATEGORIES.map((category) => [category, new Pacer(budget[category], clock)]));
  const calls = zeroCalls();
  const client = new Proxy(cognito, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown, ...rest: unknown[]) => {
        const category = categoryOf(command);
        await pacers.get(category)?.take();
        calls[category] += 1;
        return (target.send as (...args: unknown[]) => Promise<unknown>).call(target, command, ...rest);
      };
    },
  });
  return { client, calls };
}

/** A function's budget: QUOTA_SHARE (default 0.5) of every default quota, COGNITO_RPS ("UserList=10,...") over it. */
export function budgetFromEnv(env: EnvReader): Budget {
  try {
    return budgetOf(
      parseBudget(env.optional('COGNITO_RPS') ?? ''),
      env.positiveNumber('QUOTA_SHARE', DEFAULT_QUOTA_SHARE),
    );
  } catch (error) {
    throw new ConfigError(`COGNITO_RPS / QUOTA_SHARE: ${(error as Error).message}`);
  }
}
