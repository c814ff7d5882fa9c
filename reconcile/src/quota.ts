// A bulk run's budget: the share of each Cognito quota category it may use, and the client that keeps every call of
// the run inside it (the shared governor at fixed rates) and counts it.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  type CallCounts,
  CallGovernor,
  type Clock,
  COGNITO_QUOTAS,
  ConfigError,
  DEFAULT_RETRIES,
  type EnvReader,
  governClient,
  QUOTA_CATEGORIES,
  type QuotaCategory,
} from '@cognito-dr/shared';

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
    const rate = overrides[category] ?? COGNITO_QUOTAS[category].rps * share;
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

export interface BudgetedCognito {
  /** The same pool, each call paced by its category and retried by the governor when throttled. */
  client: CognitoIdentityProviderClient;
  /** Calls made through `client` so far (every attempt), by category. */
  calls: CallCounts;
}

/**
 * Puts every call of `cognito` behind its category's fixed rate. One per pool: each region has its own quotas.
 * Throttling left over (the quota is shared with others) is retried by the governor with jittered back-off, not by
 * the SDK, whose adaptive retry would slow every category of the run for a throttle in one.
 */
export function budgetedCognito(
  cognito: CognitoIdentityProviderClient,
  budget: Budget,
  clock: Clock,
): BudgetedCognito {
  const governor = new CallGovernor({ clock, ceilings: budget, ...DEFAULT_RETRIES });
  return { client: governClient(cognito, governor), calls: governor.calls };
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
