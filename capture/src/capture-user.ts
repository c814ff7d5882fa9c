// Captures one user of the active region's pool into the replication table: the single write path for the triggers,
// the admin API, the CloudTrail capture, the reconciler and the CLI.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  readPoolUser,
  recordFromCognitoUser,
  type StoreResult,
  storeSnapshot,
  storeTombstone,
} from '@cognito-dr/shared';
import { liveRecordKeysIgnoringCase } from './find-user';

export interface CaptureDeps {
  cognito: CognitoIdentityProviderClient;
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  /** Region of this writer, stamped on every record for loop prevention. */
  origin: string;
  /** Epoch ms. */
  now: () => number;
  /**
   * Remembers the pool's own sub of a user linked to a home sub elsewhere (pool-subs.ts), so a later deletion that
   * CloudTrail names only by that sub can be placed. Unset: not remembered.
   */
  notePoolSub?: (sub: string, username: string) => Promise<void>;
}

export type CaptureResult = StoreResult;

/**
 * Reads the user from the pool and stores its snapshot; a user the pool no longer has becomes a tombstone.
 * Safe to call any number of times, concurrently: the snapshot read latest wins and identical content is not
 * rewritten.
 */
export async function captureUser(
  deps: CaptureDeps,
  username: string,
  /** Set by the completion of a migration only: it has just made the pool's user what the record says. */
  options: { completesMigration?: boolean } = {},
): Promise<CaptureResult> {
  // Taken before the read: a capture started after a change is then both newer and sure to include that change,
  // so it beats any capture started earlier, whatever order the two finish in.
  const readAt = deps.now();
  const poolUser = await readPoolUser(deps.cognito, deps.userPoolId, username, { concurrent: true });
  if (!poolUser) {
    const stamp = { origin: deps.origin, poolId: deps.userPoolId, now: readAt };
    const buried = await storeTombstone(deps.table, deps.tableName, username, stamp);
    if (buried.result !== 'absent') return buried;
    // Named in another casing than its record's key (a CloudTrail record, an admin's retry). The pool has no user
    // of this name in any casing, so a live record of it under another casing is a user who is gone; one written
    // after the read above is kept (storeTombstone refuses records newer than `now`).
    const others = await liveRecordKeysIgnoringCase(deps.table, deps.tableName, username);
    let result = buried;
    for (const key of others.filter((other) => other !== username)) {
      const stored = await storeTombstone(deps.table, deps.tableName, key, stamp);
      if (result.result !== 'tombstoned') result = stored;
    }
    return result;
  }
  const record = recordFromCognitoUser({
    user: poolUser.user,
    groups: poolUser.groups,
    origin: deps.origin,
    poolId: deps.userPoolId,
    now: readAt,
  });
  const ownSub = poolUser.user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
  if (deps.notePoolSub && ownSub && ownSub !== record.sub) await deps.notePoolSub(ownSub, record.username);
  return storeSnapshot(deps.table, deps.tableName, record, options);
}
