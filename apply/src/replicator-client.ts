// The standby pool's replicator app client: new backup users are created with one SignUp through it (a
// UserCreation call) instead of AdminCreateUser + AdminSetUserPassword (UserCreation + UserAccountRecovery), and the
// pool's PreSignUp trigger confirms and verifies them from what this client passes in ClientMetadata.
import {
  type CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { isErrorNamed, secretHash } from '@cognito-dr/shared';

/**
 * The replicator client cannot be used: REPLICATOR_CLIENT_ID names no client of the pool, or one without a
 * secret. A configuration error: records wait (blocked) until it is fixed.
 */
export class ReplicatorClientError extends Error {
  override readonly name = 'ReplicatorClientError';
}

export interface ReplicatorClient {
  clientId: string;
  /** SECRET_HASH for `username`: Base64(HMAC-SHA256(client secret, username + client id)). */
  secretHash(username: string): Promise<string>;
  /** Drops the cached secret (Cognito said it is wrong: the client was replaced or its secret rotated). */
  forget(): void;
}

/**
 * The replicator client of `userPoolId`. Its secret is read once, on first use, with DescribeUserPoolClient (so it
 * never sits in an environment variable or a template), and kept for the life of the process.
 */
export function replicatorClient(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
): ReplicatorClient {
  let secret: Promise<string> | undefined;
  const load = async (): Promise<string> => {
    try {
      const { UserPoolClient } = await cognito.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
      if (!UserPoolClient?.ClientSecret) {
        throw new ReplicatorClientError(
          'REPLICATOR_CLIENT_ID: the client has no secret; the replicator client needs GenerateSecret: true',
        );
      }
      return UserPoolClient.ClientSecret;
    } catch (error) {
      if (isErrorNamed(error, 'ResourceNotFoundException')) {
        throw new ReplicatorClientError('REPLICATOR_CLIENT_ID: no such app client in the backup pool');
      }
      throw error;
    }
  };
  return {
    clientId,
    async secretHash(username) {
      secret ??= load().catch((error: unknown) => {
        // Not cached: the next user tries again (a throttled or briefly failing read is not a verdict).
        secret = undefined;
        throw error;
      });
      return secretHash(await secret, username, clientId);
    },
    forget() {
      secret = undefined;
    },
  };
}

/** What a replicator sign-up tells the PreSignUp trigger. Flags only: the attributes travel in UserAttributes. */
export interface ReplicationSignUp {
  emailVerified: boolean;
  phoneNumberVerified: boolean;
  /** false: a user the primary has not confirmed, left unconfirmed (and unverified) by the trigger. */
  confirmed: boolean;
}

/** Marks a sign-up as the replicator's, and the version of what it carries. */
const REPLICATION_MARK = 'cognito-dr/1';

export function replicationMetadata(signUp: ReplicationSignUp): Record<string, string> {
  return {
    replication: REPLICATION_MARK,
    emailVerified: String(signUp.emailVerified),
    phoneNumberVerified: String(signUp.phoneNumberVerified),
    confirmed: String(signUp.confirmed),
  };
}

/** The replicator's metadata, or a rule it breaks (names the key, never a value). */
export function readReplicationMetadata(
  metadata: Record<string, string> | undefined,
): ReplicationSignUp | { broken: string } {
  if (metadata?.replication !== REPLICATION_MARK) {
    return { broken: `clientMetadata.replication: must be ${REPLICATION_MARK}` };
  }
  const flag = (key: 'emailVerified' | 'phoneNumberVerified' | 'confirmed') => {
    const value = metadata[key];
    return value === 'true' ? true : value === 'false' ? false : undefined;
  };
  const emailVerified = flag('emailVerified');
  const phoneNumberVerified = flag('phoneNumberVerified');
  if (emailVerified === undefined)
    return { broken: 'clientMetadata.emailVerified: must be "true" or "false"' };
  if (phoneNumberVerified === undefined) {
    return { broken: 'clientMetadata.phoneNumberVerified: must be "true" or "false"' };
  }
  // Absent from a replica deployed before unconfirmed users were carried: its sign-ups were all confirmed.
  const confirmed = metadata.confirmed === undefined ? true : flag('confirmed');
  if (confirmed === undefined) return { broken: 'clientMetadata.confirmed: must be "true" or "false"' };
  return { emailVerified, phoneNumberVerified, confirmed };
}
