// The backup pool's PreSignUp trigger, as a core: confirms and verifies the replicator client's sign-ups (new
// backup users, one UserCreation call each) and refuses every other client's sign-up while the pool is on standby.

import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { paginateListUserPoolClients } from '@aws-sdk/client-cognito-identity-provider';
import { readReplicationMetadata } from '@cognito-dr/apply';
import { SOURCE_SUB_ATTRIBUTE } from '@cognito-dr/shared';
import type { PreSignUpTriggerEvent } from 'aws-lambda';

export interface PreSignUpDeps {
  /** Whether `clientId` is the pool's replicator client. */
  isReplicatorClient(userPoolId: string, clientId: string): Promise<boolean>;
  /** Whether this pool is the standby copy, where users cannot sign up (they sign up in the active region). */
  isStandby(): Promise<boolean>;
}

/** Cognito shows the message to the caller as "PreSignUp failed with error <message>." */
export class SignUpRefusedError extends Error {
  override readonly name = 'SignUpRefusedError';
}

type PreSignUpOutcome = 'replicated' | 'allowed' | 'refused';

export const onPreSignUp =
  (deps: PreSignUpDeps, report: (outcome: PreSignUpOutcome, reason?: string) => void = () => {}) =>
  async (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> => {
    // AdminCreateUser needs IAM rights on the pool: operators, and the replicator when it has no client.
    if (event.triggerSource === 'PreSignUp_AdminCreateUser') {
      report('allowed');
      return event;
    }
    const clientId = event.callerContext?.clientId ?? '';
    const attributes = event.request.userAttributes ?? {};
    if (clientId && (await deps.isReplicatorClient(event.userPoolId, clientId))) {
      // Trusted only from the replicator client, whose secret only the replica function can read.
      const signUp = readReplicationMetadata(event.request.clientMetadata);
      if ('broken' in signUp)
        return refuse(report, `replicator sign-up without its metadata: ${signUp.broken}`);
      event.response.autoConfirmUser = true;
      event.response.autoVerifyEmail = signUp.emailVerified && Boolean(attributes.email);
      event.response.autoVerifyPhone = signUp.phoneNumberVerified && Boolean(attributes.phone_number);
      report('replicated');
      return event;
    }
    if (await deps.isStandby()) {
      return refuse(
        report,
        'sign-up is closed: this user pool is the standby copy of another region; sign up in the active region',
      );
    }
    // The link to the primary user is the replicator's to write (the other clients may not write it either).
    if (attributes[SOURCE_SUB_ATTRIBUTE] !== undefined) {
      return refuse(report, `${SOURCE_SUB_ATTRIBUTE}: only replication may set it`);
    }
    report('allowed');
    return event;
  };

function refuse(report: (outcome: PreSignUpOutcome, reason?: string) => void, reason: string): never {
  report('refused', reason);
  throw new SignUpRefusedError(reason);
}

/**
 * Tells the replicator client by its name (the template names it; its id cannot reach the trigger's settings
 * without a circular dependency: the pool names the trigger, the client belongs to the pool). The pool's clients
 * are listed once, and again at most once a minute when an unknown client signs up (a replaced replicator client
 * gets a new id). Two clients with the replicator's name: neither is trusted.
 */
export function replicatorClientByName(
  cognito: CognitoIdentityProviderClient,
  name: string,
  now: () => number = Date.now,
): PreSignUpDeps['isReplicatorClient'] {
  const known = new Map<string, { ids: Promise<string[]>; at: number }>();
  const list = async (userPoolId: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const page of paginateListUserPoolClients({ client: cognito }, { UserPoolId: userPoolId })) {
      for (const client of page.UserPoolClients ?? []) {
        if (client.ClientName === name && client.ClientId) ids.push(client.ClientId);
      }
    }
    return ids;
  };
  return async (userPoolId, clientId) => {
    let entry = known.get(userPoolId);
    const stale = entry !== undefined && now() - entry.at >= RELIST_AFTER_MS;
    if (!entry || (stale && !(await entry.ids).includes(clientId))) {
      entry = { ids: list(userPoolId), at: now() };
      known.set(userPoolId, entry);
      entry.ids.catch(() => known.delete(userPoolId));
    }
    const ids = await entry.ids;
    return ids.length === 1 && ids[0] === clientId;
  };
}

const RELIST_AFTER_MS = 60_000;
