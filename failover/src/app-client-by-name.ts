// Which app client of a pool is the one of a given name, for the triggers that trust one client (posture.ts): the
// replicator client at sign-up, the migration client at sign-in. The trigger is told the client's name, and finds
// its id by listing the pool's clients.
import {
  type CognitoIdentityProviderClient,
  paginateListUserPoolClients,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Tells a client by its name (the template names it; its id cannot reach the trigger's settings without a circular
 * dependency: the pool names the trigger, the client belongs to the pool). The pool's clients are listed once, and
 * again at most once a minute when an unknown client calls (a replaced client gets a new id). Two clients with the
 * name: neither is trusted.
 */
export function appClientByName(
  cognito: CognitoIdentityProviderClient,
  name: string,
  now: () => number = Date.now,
): (userPoolId: string, clientId: string) => Promise<boolean> {
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
