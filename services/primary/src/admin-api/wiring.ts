// Builds what every admin API function shares, once per cold start: settings (failing fast), AWS clients, the
// token verifier with its JWKS cache, and a handler factory that route files call with their core.

import { captureUser } from '@cognito-dr/capture';
import { cognitoClient, envReader, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import { readAdminApiConfig, readBackupPoolConfig } from './config';
import { makeHandler } from './make-handler';
import { type BackupPool, cognitoBackupPool, cognitoPrimaryPool, dynamoRecordReader } from './pool';
import { createTokenVerifier } from './require-admin';
import type { AdminDeps, Route } from './route';

/** `env`: the environment to read (the process's when omitted). */
export function adminApi(env?: Record<string, string | undefined>) {
  const config = readAdminApiConfig(env);
  // No endpoint: the SDK's AWS_ENDPOINT_URL_* variables point these at the emulators locally.
  const cognito = cognitoClient();
  const table = tableClient();
  const verifier = createTokenVerifier({
    issuer: config.jwtIssuer,
    jwksUri: config.jwksUri,
    clientId: config.userPoolClientId,
  });
  // Region roles: after a failover the primary is on standby and its changing routes answer 409.
  const isActive = thisRegionIsActive(envReader(env), table);

  const deps: Omit<AdminDeps, 'backup'> = {
    pool: cognitoPrimaryPool(cognito, config.userPoolId),
    records: dynamoRecordReader(table, config.tableName),
    capture: (username) =>
      captureUser(
        {
          cognito,
          table,
          userPoolId: config.userPoolId,
          tableName: config.tableName,
          origin: config.region,
          now: Date.now,
        },
        username,
      ),
  };

  return {
    deps,
    makeHandler: (route: Route) => makeHandler(route, { verifier, adminGroup: config.adminGroup, isActive }),
  };
}

/**
 * The backup pool, for GET only. Its endpoint is set explicitly when BACKUP_COGNITO_ENDPOINT is given, because
 * locally AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER points at the primary pool's emulator.
 */
export function backupPool(env?: Record<string, string | undefined>): BackupPool {
  const config = readBackupPoolConfig(env);
  // The first deploy of the primary precedes the backup pool: GET still answers, with presence unknown (null).
  if (!config) return unconfiguredBackupPool;
  const { userPoolId, region, endpoint } = config;
  const cognito = cognitoClient({ region, maxAttempts: 2, endpoint });
  return cognitoBackupPool(cognito, userPoolId);
}

/** Before the replica service exists there is no backup pool to ask; GET says so instead of failing. */
export class BackupPoolNotConfiguredError extends Error {
  override readonly name = 'BackupPoolNotConfiguredError';
  constructor() {
    super('BACKUP_USER_POOL_ID is not set yet (deploy the replica service, then the primary again)');
  }
}

const unconfiguredBackupPool: BackupPool = {
  hasUser: () => Promise.reject(new BackupPoolNotConfiguredError()),
};
