// Turns identifiers that are PII (usernames are often e-mail addresses) into stable references fit for logs.
import { createHmac, randomBytes } from 'node:crypto';

/**
 * Until the deployment's key is in place (useUserRefKey), a random one: references are then only stable within
 * the process, but still reveal nothing.
 */
let key: Buffer = randomBytes(32);

/** The shortest key accepted: the generated secret is 64 characters; a short one would be guessable. */
const MIN_USER_REF_KEY_LENGTH = 32;

/**
 * A short stable reference to a user: the first 12 hex characters of HMAC-SHA256(deployment key, username). The
 * same key in every service and region lets log lines be correlated without naming anybody; unlike a plain hash,
 * it cannot be reversed by hashing a list of likely e-mail addresses without the key.
 */
export function userRef(username: string): string {
  return createHmac('sha256', key).update(username, 'utf8').digest('hex').slice(0, 12);
}

/** Makes `secret` (the deployment's user-reference key) the key of every userRef of this process. */
export function useUserRefKey(secret: string): void {
  if (secret.length < MIN_USER_REF_KEY_LENGTH) {
    throw new RangeError(`the user reference key must be at least ${MIN_USER_REF_KEY_LENGTH} characters`);
  }
  key = Buffer.from(secret, 'utf8');
}
