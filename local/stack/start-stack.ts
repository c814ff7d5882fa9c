// Brings up the local two-region copy of the production topology, one step per component (components/), in
// dependency order, each step waiting for its component to answer: DynamoDB Local and the tables, the regions'
// gates, the two cognito-local "regions" and their pools, the CloudTrail stand-ins, the backup pool's fault proxy,
// serverless offline for both services and their sign-up path warmed, the primary's administrator, then the
// stand-ins for global table replication, the event source mappings and point-in-time recovery. What the steps
// return is then rendered as stack.json.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '@cognito-dr/shared';
import { LOCAL_CREDENTIALS } from '../lib/local-aws';
import { allocatePorts } from '../lib/ports';
import { type ChildDiedError, reapLeftovers, Supervisor } from '../lib/supervisor';
import { type Admin, provisionAdmin } from './components/admin';
import { type CloudTrails, startCloudTrail } from './components/cloudtrail';
import { type CognitoEmulators, startCognito } from './components/cognito';
import {
  BACKUP_REGION,
  type Ports,
  PREFERRED_PORTS,
  PRIMARY_REGION,
  type StackOptions,
  type StepContext,
  serverlessFunctionName,
  url,
} from './components/context';
import { startDynamoDb, type Tables } from './components/dynamodb';
import { startFaultProxy } from './components/fault-proxy';
import { type RegionGates, startRegionGates } from './components/region-gates';
import { startReplicationStandins } from './components/replication-standins';
import { type DeadLetters, startServerlessOffline } from './components/serverless-offline';
import { warmTheFunctions } from './components/warm';
import { type PoolSchemas, REPLICATOR_CLIENT_NAME, type StackShape, shapeDefinition } from './shapes';

export { PREFERRED_PORTS, type StackOptions } from './components/context';

export interface RunningStack {
  info: StackInfo;
  stackFile: string;
  /** Rejects with ChildDiedError when any component dies on its own. */
  died: Promise<never>;
  stop(): Promise<void>;
}

/** shared/pool-schema.json through the loader the templates use, plus the two lists the shapes read from it. */
const loadSchemas = (root: string): PoolSchemas => {
  const loader = require(join(root, 'shared', 'pool-schema.cjs')) as Omit<
    PoolSchemas,
    'linkSchema' | 'replicatedStandardAttributes'
  >;
  const json = require(join(root, 'shared', 'pool-schema.json')) as {
    linkAttributes: SchemaAttributeType[];
    replicatedStandardAttributes: string[];
  };
  return {
    ...loader,
    linkSchema: () => json.linkAttributes,
    replicatedStandardAttributes: () => json.replicatedStandardAttributes,
  };
};

export const startStack = async (opts: StackOptions): Promise<RunningStack> => {
  const pidFile = join(opts.dataDir, 'pids.json');
  const reaped = reapLeftovers(pidFile);
  if (reaped.length > 0) opts.progress(`stopped what a killed earlier run left behind: ${reaped.join(', ')}`);
  if (opts.fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  mkdirSync(opts.dataDir, { recursive: true });
  const logs = join(opts.dataDir, 'logs');
  const supervisor = new Supervisor(logs, pidFile);
  let rejectDied: (error: ChildDiedError) => void = () => {};
  const died = new Promise<never>((_, reject) => {
    rejectDied = reject;
  });
  died.catch(() => {});
  supervisor.onDeath((error) => rejectDied(error));

  try {
    const ports = await allocatePorts(
      opts.ports === 'free'
        ? (Object.fromEntries(Object.keys(PREFERRED_PORTS).map((k) => [k, 0])) as Ports)
        : PREFERRED_PORTS,
    );
    const info = renderStackInfo(await bringUp({ opts, supervisor, ports, died }), opts, ports, logs);
    const stackFile = join(opts.dataDir, 'stack.json');
    // It holds the admin's password: the owner's alone, also when an older copy was more open.
    writeFileSync(stackFile, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    chmodSync(stackFile, 0o600);
    return { info, stackFile, died, stop: () => supervisor.stopAll() };
  } catch (error) {
    await supervisor.stopAll();
    throw error;
  }
};

/** What the steps brought up, for rendering. */
interface Components {
  shape: StackShape;
  tables: Tables;
  gates: RegionGates;
  cognito: CognitoEmulators;
  cloudTrails: CloudTrails;
  faultProxy: string;
  deadLetters: DeadLetters;
  admin: Admin;
}

const bringUp = async (ctx: StepContext): Promise<Components> => {
  const shape = ctx.opts.shape ?? 'username';
  const definition = shapeDefinition(shape, 'local', loadSchemas(ctx.opts.root));
  const tables = await startDynamoDb(ctx);
  const gates = await startRegionGates(ctx);
  const cognito = await startCognito(ctx, definition);
  const cloudTrails = await startCloudTrail(ctx);
  const faultProxy = await startFaultProxy(ctx);
  const deadLetters = await startServerlessOffline(ctx, cognito, gates.dynamodb);
  await warmTheFunctions(ctx, cognito);
  const admin = await provisionAdmin(ctx, cognito.primaryPool.userPoolId, definition.admin);
  await startReplicationStandins(ctx, tables, gates.dynamodb, deadLetters);
  return { shape, tables, gates, cognito, cloudTrails, faultProxy, deadLetters, admin };
};

/** stack.json: the stack's public contract, from what the steps brought up. */
const renderStackInfo = (c: Components, opts: StackOptions, ports: Ports, logs: string): StackInfo => {
  const region = (
    name: string,
    cognitoPort: number,
    pool: CognitoEmulators['primaryPool'],
    pointInTimePort: number,
  ) => ({
    region: name,
    cognitoEndpoint: url(cognitoPort),
    userPoolId: pool.userPoolId,
    clientId: pool.clientId,
    dynamodbEndpoint: c.gates.dynamodb[name] as string,
    tableName: c.tables.tableName,
    controlTableName: c.tables.controlTableName,
    stateTableName: c.tables.stateTableName[name] ?? '',
    pointInTimeEndpoint: url(pointInTimePort),
  });
  return {
    shape: c.shape,
    primary: region(PRIMARY_REGION, ports.cognitoPrimary, c.cognito.primaryPool, ports.pointInTimePrimary),
    backup: {
      ...region(BACKUP_REGION, ports.cognitoBackup, c.cognito.backupPool, ports.pointInTimeBackup),
      replicatorClientId: c.cognito.backupPool.clientIds[REPLICATOR_CLIENT_NAME],
    },
    api: { baseUrl: url(ports.api) },
    admin: c.admin,
    lambda: {
      primaryEndpoint: url(ports.primaryLambda),
      replicaEndpoint: url(ports.replicaLambda),
      functions: {
        onPostConfirmation: serverlessFunctionName('cognito-dr-primary', 'onPostConfirmation'),
        onCognitoApiCall: serverlessFunctionName('cognito-dr-primary', 'onCognitoApiCall'),
        onUserRecordChange: serverlessFunctionName('cognito-dr-replica', 'onUserRecordChange'),
      },
    },
    deadLetters: c.deadLetters,
    faultInjection: {
      backupCognito: c.faultProxy,
      cloudTrail: c.cloudTrails.primary,
      backupCloudTrail: c.cloudTrails.backup,
    },
    control: c.gates.control,
    mailbox: c.cognito.mailbox,
    credentials: LOCAL_CREDENTIALS,
    logs,
    replicationDelayMs: opts.replicationDelayMs,
  };
};
