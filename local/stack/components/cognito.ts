// Step 3: one cognito-local per region (local/emulators/cognito-local-server.ts), each pool's triggers calling its
// own service's real handlers, then both pools as the stack's shape defines them (shapes.ts). Each emulator is
// reached from outside through its region's gate and CloudTrail stand-in (ports.cognitoPrimary / cognitoBackup),
// which is also the issuer its tokens name: clients only ever see that address, as they only see Cognito's
// endpoint in AWS.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { TRIGGER_SLOTS } from '@cognito-dr/adopt';
import { LOCAL_CREDENTIALS, localClientConfig } from '../../lib/local-aws';
import { waitFor } from '../../lib/wait-for';
import { ensurePool, type LocalPool } from '../provision-pools';
import type { ShapeDefinition } from '../shapes';
import {
  BACKUP_REGION,
  PRIMARY_REGION,
  READY_TIMEOUT_MS,
  type StepContext,
  serverlessFunctionName,
  started,
  tsx,
  url,
} from './context';

export interface CognitoEmulators {
  /** Clients that talk to the emulators directly (provisioning): the gates are for the world outside. */
  clients: { primary: CognitoIdentityProviderClient; backup: CognitoIdentityProviderClient };
  primaryPool: LocalPool;
  backupPool: LocalPool;
  /** Each region's outbox (LOCAL ONLY: users' inboxes). */
  mailbox: { primary: string; backup: string };
}

// The primary pool has every trigger cognito-dr sets in a pool it protects.
const PRIMARY_TRIGGERS = [...TRIGGER_SLOTS];
const BACKUP_TRIGGERS = ['CustomMessage', 'PostConfirmation', 'PreSignUp', 'PreAuthentication'];

export const startCognito = async (ctx: StepContext, shape: ShapeDefinition): Promise<CognitoEmulators> => {
  const { dataDir } = ctx.opts;
  const { ports } = ctx;
  const mailbox = {
    primary: join(dataDir, 'mailbox', 'cognito-primary.jsonl'),
    backup: join(dataDir, 'mailbox', 'cognito-backup.jsonl'),
  };
  const emulator = (
    name: string,
    port: number,
    region: string,
    lambdaPort: number,
    service: string,
    triggers: string[],
    issuerPort: number,
    outbox: string,
  ) => {
    const dir = join(dataDir, name);
    mkdirSync(dir, { recursive: true });
    return ctx.supervisor.start(
      tsx(ctx, name, 'local/emulators/cognito-local-server.ts', {
        COGNITO_LOCAL_DIR: dir,
        COGNITO_LOCAL_MAILBOX: outbox,
        COGNITO_LOCAL_CONFIG: JSON.stringify({
          LambdaClient: { endpoint: url(lambdaPort), region, credentials: LOCAL_CREDENTIALS },
          TriggerFunctions: Object.fromEntries(
            triggers.map((trigger) => [trigger, serverlessFunctionName(service, `on${trigger}`)]),
          ),
          UserPoolDefaults: { UsernameAttributes: [] },
          TokenConfig: { IssuerDomain: url(issuerPort) },
        }),
        PORT: String(port),
        HOST: '127.0.0.1',
      }),
    );
  };
  const primary = emulator(
    'cognito-primary',
    ports.cognitoPrimaryEmulator,
    PRIMARY_REGION,
    ports.primaryLambda,
    'cognito-dr-primary',
    ctx.opts.primaryTriggers === 'none' ? [] : PRIMARY_TRIGGERS,
    ports.cognitoPrimary,
    mailbox.primary,
  );
  const backup = emulator(
    'cognito-backup',
    ports.cognitoBackupEmulator,
    BACKUP_REGION,
    ports.replicaLambda,
    'cognito-dr-replica',
    BACKUP_TRIGGERS,
    ports.cognitoBackup,
    mailbox.backup,
  );
  const clients = {
    primary: new CognitoIdentityProviderClient(
      localClientConfig(PRIMARY_REGION, url(ports.cognitoPrimaryEmulator)),
    ),
    backup: new CognitoIdentityProviderClient(
      localClientConfig(BACKUP_REGION, url(ports.cognitoBackupEmulator)),
    ),
  };
  await Promise.all(
    (['primary', 'backup'] as const).map((side) =>
      waitFor(async () => (await clients[side].send(new ListUserPoolsCommand({ MaxResults: 1 }))) && true, {
        what: `cognito-local (${side})`,
        timeoutMs: READY_TIMEOUT_MS,
        ...started(ctx, side === 'primary' ? primary : backup),
      }),
    ),
  );
  const primaryPool = await ensurePool(clients.primary, shape.primary);
  const backupPool = await ensurePool(clients.backup, shape.backup);
  ctx.opts.progress(
    `cognito-local: primary ${url(ports.cognitoPrimary)}, backup ${url(ports.cognitoBackup)}`,
  );
  return { clients, primaryPool, backupPool, mailbox };
};
