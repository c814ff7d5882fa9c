// Step 6: `serverless offline` for both services, configured through the SDK's own endpoint variables: the
// primary behind its region's API gate, each service's functions reaching DynamoDB and Cognito of their own
// region through that region's gates (the replica through the fault proxy).

import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS } from '../../lib/local-aws';
import { httpAnswers, waitFor } from '../../lib/wait-for';
import type { LocalPool } from '../provision-pools';
import { MIGRATION_CLIENT, REPLICATOR_CLIENT_NAME } from '../shapes';
import { BACKUP_REGION, PRIMARY_REGION, STAGE, type StepContext, started, url } from './context';

export interface DeadLetters {
  replicaFailureDestination: string;
  replicaParked: string;
  primaryFailureDestination: string;
  primaryParked: string;
}

export const deadLetterFiles = (dataDir: string): DeadLetters => ({
  replicaFailureDestination: join(dataDir, 'dead-letters', 'replica-failure-destination.jsonl'),
  replicaParked: join(dataDir, 'dead-letters', 'replica-parked.jsonl'),
  primaryFailureDestination: join(dataDir, 'dead-letters', 'primary-failure-destination.jsonl'),
  primaryParked: join(dataDir, 'dead-letters', 'primary-parked.jsonl'),
});

export const startServerlessOffline = async (
  ctx: StepContext,
  pools: { primaryPool: LocalPool; backupPool: LocalPool },
  regionDynamodb: Record<string, string>,
): Promise<DeadLetters> => {
  const { root, dataDir } = ctx.opts;
  const { ports } = ctx;
  const { primaryPool, backupPool } = pools;
  const deadLetters = deadLetterFiles(dataDir);
  const serverless = require.resolve('serverless/bin/serverless.js');
  // Both services key their logs' user references with it, as both regions share one secret in AWS.
  const userRefKeyFile = ensureUserRefKey(dataDir);
  const offline = (
    name: string,
    service: string,
    httpPort: number,
    lambdaPort: number,
    env: NodeJS.ProcessEnv,
  ) =>
    ctx.supervisor.start({
      name,
      command: process.execPath,
      args: [
        serverless,
        'offline',
        'start',
        '--stage',
        STAGE,
        '--host',
        '127.0.0.1',
        '--httpPort',
        String(httpPort),
        '--lambdaPort',
        String(lambdaPort),
        '--localEnvironment',
        // Lambda keeps idle instances warm for minutes, not the 60 s serverless-offline defaults to.
        '--terminateIdleLambdaTime',
        '900',
      ],
      cwd: join(root, 'services', service),
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        USER_REF_KEY_FILE: userRefKeyFile,
        NODE_NO_WARNINGS: '1',
        SLS_TELEMETRY_DISABLED: '1',
        ...env,
      },
    });
  const primaryService = offline('primary-offline', 'primary', ports.primaryHttp, ports.primaryLambda, {
    AWS_REGION: PRIMARY_REGION,
    AWS_ENDPOINT_URL_DYNAMODB: regionDynamodb[PRIMARY_REGION],
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: url(ports.cognitoPrimary),
    COGNITO_DR_PRIMARY_USER_POOL_ID: primaryPool.userPoolId,
    COGNITO_DR_PRIMARY_CLIENT_ID: primaryPool.clientId,
    JWT_ISSUER: `${url(ports.cognitoPrimary)}/${primaryPool.userPoolId}`,
    JWKS_URI: `${url(ports.cognitoPrimary)}/${primaryPool.userPoolId}/.well-known/jwks.json`,
    BACKUP_USER_POOL_ID: backupPool.userPoolId,
    BACKUP_COGNITO_ENDPOINT: url(ports.cognitoBackup),
    DEAD_LETTER_FILE: deadLetters.primaryParked,
    MIGRATE_FROM_USER_POOL_ID: backupPool.userPoolId,
    MIGRATE_FROM_CLIENT_ID: backupPool.clientIds[MIGRATION_CLIENT],
    MIGRATE_FROM_COGNITO_ENDPOINT: url(ports.cognitoBackup),
  });
  const replicaService = offline('replica-offline', 'replica', ports.replicaHttp, ports.replicaLambda, {
    AWS_REGION: BACKUP_REGION,
    AWS_ENDPOINT_URL_DYNAMODB: regionDynamodb[BACKUP_REGION],
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: url(ports.backupFaultProxy),
    COGNITO_DR_BACKUP_USER_POOL_ID: backupPool.userPoolId,
    COGNITO_DR_REPLICATOR_CLIENT_ID: backupPool.clientIds[REPLICATOR_CLIENT_NAME],
    DEAD_LETTER_FILE: deadLetters.replicaParked,
  });
  // Loading both services' plugins takes seconds on a quiet machine and minutes on a busy one.
  const timeoutMs = 180_000;
  await Promise.all([
    waitFor(() => httpAnswers(url(ports.primaryLambda)), {
      what: 'serverless offline (primary)',
      timeoutMs,
      ...started(ctx, primaryService),
    }),
    waitFor(() => httpAnswers(url(ports.replicaLambda)), {
      what: 'serverless offline (replica)',
      timeoutMs,
      ...started(ctx, replicaService),
    }),
  ]);
  ctx.opts.progress(
    `serverless offline: API ${url(ports.api)}, Lambda ${url(ports.primaryLambda)} and ${url(ports.replicaLambda)}`,
  );
  return deadLetters;
};

/**
 * The key of the user references in the functions' logs: made once per data directory (a restarted stack's
 * references stay comparable), readable by the owner only, never printed.
 */
const ensureUserRefKey = (dataDir: string): string => {
  const file = join(dataDir, 'user-ref-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  return file;
};
