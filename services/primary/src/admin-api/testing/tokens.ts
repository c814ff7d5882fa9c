// Test-only token factory: an RSA key pair made per run, and tokens shaped like the ones Cognito issues.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export const TEST_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Primary1';
export const TEST_JWKS_URI = `${TEST_ISSUER}/.well-known/jwks.json`;
export const TEST_CLIENT_ID = 'admin-client-1';
export const ADMIN_GROUP = 'dr-admins';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: { kid: string; kty: 'RSA'; alg: 'RS256'; use: 'sig'; n: string; e: string };
}

export function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (!n || !e) throw new Error('RSA public key without modulus or exponent');
  return { kid, privateKey, jwk: { kid, kty: 'RSA', alg: 'RS256', use: 'sig', n, e } };
}

const base64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

export function signToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const input = `${base64url({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })}.${base64url(claims)}`;
  return `${input}.${base64url(sign('RSA-SHA256', Buffer.from(input), key.privateKey))}`;
}

const now = () => Math.floor(Date.now() / 1000);

/** Claims of an ID token as Cognito (and cognito-local) issue it. */
export function idTokenClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'admin-sub-1',
    'cognito:username': 'admin',
    'cognito:groups': [ADMIN_GROUP],
    aud: TEST_CLIENT_ID,
    iss: TEST_ISSUER,
    token_use: 'id',
    auth_time: now(),
    iat: now(),
    exp: now() + 3600,
    ...overrides,
  };
}

/** Claims of an access token: no `aud`, the client in `client_id`. */
export function accessTokenClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'admin-sub-1',
    username: 'admin',
    'cognito:groups': [ADMIN_GROUP],
    client_id: TEST_CLIENT_ID,
    iss: TEST_ISSUER,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now(),
    iat: now(),
    exp: now() + 3600,
    ...overrides,
  };
}
