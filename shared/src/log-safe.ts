// Turns identifiers that are PII (usernames are often e-mail addresses) into stable references fit for logs.
import { createHash } from 'node:crypto';

/**
 * A short stable reference to a user: the first 12 hex characters of the username's SHA-256. The same user gets
 * the same reference in every service and region, so log lines can be correlated without naming anybody.
 */
export function userRef(username: string): string {
  return createHash('sha256').update(username, 'utf8').digest('hex').slice(0, 12);
}
