// The replica's Cognito client: every call paced by the shared governor (cognito-pacing.ts) at a rate that adapts to
// the throttles it meets, and retried only while the invocation has time left for it.

import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  CallGovernor,
  type Clock,
  cognitoClient,
  DEFAULT_RETRIES,
  governClient,
  quotaCeilings,
} from '@cognito-dr/shared';
import { classifyError } from './errors';

/** Throttles never push a category below this share of its ceiling: records keep moving whatever the cause. */
export const FLOOR_SHARE = 0.1;

export interface GovernedClientOptions {
  region: string;
  /** Each category's default quota times this is the most the governor sends (1: the whole quota). */
  quotaShare: number;
  /** Epoch ms after which no call starts and no back-off ends. */
  cutoff: () => number;
  clock: Clock;
}

/** A Cognito client whose calls are paced and retried by a new governor (returned too, for its snapshot). */
export function governedCognitoClient(options: GovernedClientOptions): {
  cognito: CognitoIdentityProviderClient;
  governor: CallGovernor;
} {
  const governor = new CallGovernor({
    clock: options.clock,
    ceilings: quotaCeilings(options.quotaShare),
    floorShare: FLOOR_SHARE,
    ...DEFAULT_RETRIES,
    cutoff: options.cutoff,
    // What the stream would retry anyway is retried here first, while the invocation has time.
    retryable: (error) => classifyError(error) === 'transient',
  });
  const cognito = cognitoClient({
    region: options.region,
    maxAttempts: 1,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  return { cognito: governClient(cognito, governor), governor };
}

/** A Cognito call that has not answered in this time is abandoned (and retried, as a transient failure). */
export const REQUEST_TIMEOUT_MS = 3000;

/**
 * No call starts, and no back-off ends, this close to the invocation's deadline: one more request and its
 * timeout still fit, so an invocation never outlives its deadline because of a call.
 */
export const CALL_MARGIN_MS = REQUEST_TIMEOUT_MS + 1000;
