// Captures one primary-pool user into the replication table: the single write path for the trigger, admin API, reconciler and CLI.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readPoolUser } from './pool-reader';
import { recordFromCognitoUser } from './record-mapper';
import { type StoreResult, storeSnapshot, storeTombstone } from './record-store';

export { readPoolUser } from './pool-reader';
export { getRecord } from './record-store';

export interface CaptureDeps {
  cognito: CognitoIdentityProviderClient;
  table: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  /** Region of this writer, stamped on every record for loop prevention. */
  origin: string;
  /** Epoch ms. */
  now: () => number;
}

export type CaptureResult = StoreResult;

/**
 * Reads the user from the pool and stores its snapshot; a user the pool no longer has becomes a tombstone.
 * Safe to call any number of times, concurrently: the snapshot read latest wins and identical content is not
 * rewritten.
 */
export async function captureUser(deps: CaptureDeps, username: string): Promise<CaptureResult> {
  // Taken before the read: a capture started after a change is then both newer and sure to include that change,
  // so it beats any capture started earlier, whatever order the two finish in.
  const readAt = deps.now();
  const poolUser = await readPoolUser(deps.cognito, deps.userPoolId, username, { concurrent: true });
  if (!poolUser) {
    return storeTombstone(deps.table, deps.tableName, username, { origin: deps.origin, now: readAt });
  }
  const record = recordFromCognitoUser({
    user: poolUser.user,
    groups: poolUser.groups,
    origin: deps.origin,
    now: readAt,
  });
  return storeSnapshot(deps.table, deps.tableName, record);
}
