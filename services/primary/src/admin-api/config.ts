// Admin API settings, read from the environment once per cold start; a missing or malformed one stops the load.

import { ConfigError, envReader } from '@cognito-dr/shared';

type Env = Record<string, string | undefined>;

export interface AdminApiConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  tableName: string;
  /** Group a caller's token must list in `cognito:groups`. */
  adminGroup: string;
  /** Expected `iss` of callers' tokens. */
  jwtIssuer: string;
  /** Where the signing keys of those tokens are published. */
  jwksUri: string;
}

export interface BackupPoolConfig {
  userPoolId: string;
  region: string;
  /** Only set locally, where the backup pool is a second emulator; in AWS the regional endpoint is used. */
  endpoint?: string;
}

export const DEFAULT_ADMIN_GROUP = 'dr-admins';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Signing keys decide who is an administrator, so they are only fetched over TLS. Plain HTTP is allowed to a
 * loopback address only, which is where the local emulator listens; nothing answers there inside Lambda.
 */
function checkJwksUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ConfigError('JWKS_URI (or JWT_ISSUER it is derived from) must be an absolute URL');
  }
  if (url.protocol === 'https:') return uri;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return uri;
  throw new ConfigError('JWKS_URI must use https (plain http is accepted for a loopback host only)');
}

export function readAdminApiConfig(vars: Env = process.env): AdminApiConfig {
  const env = envReader(vars);
  const region = env.required('AWS_REGION');
  const userPoolId = env.required('USER_POOL_ID');
  // Both overrides exist for the local emulator, whose issuer is http://127.0.0.1:<port>/<pool id>.
  const jwtIssuer = env.optional('JWT_ISSUER') ?? `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  return {
    region,
    userPoolId,
    userPoolClientId: env.required('USER_POOL_CLIENT_ID'),
    tableName: env.required('TABLE_NAME'),
    adminGroup: env.optional('ADMIN_GROUP') ?? DEFAULT_ADMIN_GROUP,
    jwtIssuer,
    jwksUri: checkJwksUri(env.optional('JWKS_URI') ?? `${jwtIssuer}/.well-known/jwks.json`),
  };
}

/**
 * Only GET /users/{username} reads the backup pool, so only that function needs these; undefined until the replica
 * service exists (BACKUP_USER_POOL_ID empty).
 */
export function readBackupPoolConfig(vars: Env = process.env): BackupPoolConfig | undefined {
  const env = envReader(vars);
  if (!env.optional('BACKUP_USER_POOL_ID')) return undefined;
  const endpoint = env.optional('BACKUP_COGNITO_ENDPOINT');
  return {
    userPoolId: env.required('BACKUP_USER_POOL_ID'),
    region: env.required('BACKUP_REGION'),
    ...(endpoint ? { endpoint } : {}),
  };
}
