// The SECRET_HASH Cognito asks of every call through an app client that has a secret (the replicator's SignUp).
import { createHmac } from 'node:crypto';

/** Cognito's SECRET_HASH: Base64(HMAC-SHA256(client secret, username + client id)). */
export function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret)
    .update(username + clientId, 'utf8')
    .digest('base64');
}
