// Brings up the local two-region copy of the production topology, in dependency order, each step waiting for
// the previous one to answer: DynamoDB Local and both tables, the two cognito-local "regions" and their pools,
// serverless offline for both services, then the local stand-ins for global table replication and for the
// replica's event source mapping.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  type ExplicitAuthFlowsType,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { assertJavaAvailable, dynamoDbLocalSpec } from '../emulators/dynamodb-local';
import { LOCAL_CREDENTIALS, localClientConfig } from '../lib/local-aws';
import { allocatePorts } from '../lib/ports';
import {
  type ChildDiedError,
  type ChildSpec,
  reapLeftovers,
  type Supervised,
  Supervisor,
} from '../lib/supervisor';
import { httpAnswers, waitFor } from '../lib/wait-for';
import { ensureAdmin, ensureGroup, ensurePool } from './provision-pools';
import type { StackInfo } from './stack-info';
import { type LocalTableDefinition, readTableDefinition } from './table-definition';
import { warmFunctions, warmUpTargets } from './warm-functions';

const STAGE = 'local';
const PRIMARY_REGION = 'us-east-1';
const BACKUP_REGION = 'ap-northeast-1';
const ADMIN_GROUP = 'dr-admins';
const MIGRATION_CLIENT = 'cognito-dr-migration';

/** Ports a person running `npm start` gets when they are free. */
export const PREFERRED_PORTS = {
  dynamodb: 8000,
  // What clients see of each region: gates that a region outage closes (local/standins/region-outage).
  dynamodbPrimary: 8001,
  dynamodbBackup: 8002,
  cognitoPrimary: 9229,
  cognitoBackup: 9230,
  api: 3000,
  regionControl: 9240,
  // Behind the gates.
  cloudTrailPrimary: 9227,
  cognitoPrimaryEmulator: 9228,
  cloudTrailBackup: 9233,
  cognitoBackupEmulator: 9232,
  primaryHttp: 3001,
  primaryLambda: 3002,
  replicaHttp: 3010,
  replicaLambda: 3012,
  backupFaultProxy: 9231,
};

export interface StackOptions {
  /** Repository root. */
  root: string;
  /** Where emulator data, logs and stack.json go (`.local/` for npm start, a temp dir in tests). */
  dataDir: string;
  fresh: boolean;
  replicationDelayMs: number;
  /** Share (0..1) of the replica's backup-pool calls rejected with TooManyRequestsException; changeable later. */
  backupThrottleRate?: number;
  /** 'preferred' tries the well-known ports first; 'free' always takes free ones (tests). */
  ports: 'preferred' | 'free';
  /**
   * 'none': the primary pool runs none of cognito-dr's triggers, as an adopted pool deployed with installTriggers
   * false: users are captured from CloudTrail alone (the stand-in). Default 'all'.
   */
  primaryTriggers?: 'all' | 'none';
  progress: (line: string) => void;
}

export interface RunningStack {
  info: StackInfo;
  stackFile: string;
  /** Rejects with ChildDiedError when any component dies on its own. */
  died: Promise<never>;
  stop(): Promise<void>;
}

const loadSchemas = (root: string) =>
  require(join(root, 'shared', 'pool-schema.cjs')) as {
    primarySchema: () => import('@aws-sdk/client-cognito-identity-provider').SchemaAttributeType[];
    backupSchema: () => import('@aws-sdk/client-cognito-identity-provider').SchemaAttributeType[];
    userWritableAttributes: () => string[];
    replicatorWriteAttributes: () => string[];
  };

/** The backup pool's replicator client, as services/replica/serverless.yml names it. */
const REPLICATOR_CLIENT_NAME = 'cognito-dr-replicator';

const serverlessFunctionName = (service: string, fn: string) => `${service}-${STAGE}-${fn}`;

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
    const info = await bringUp(opts, supervisor, logs, died);
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

const bringUp = async (
  opts: StackOptions,
  supervisor: Supervisor,
  logs: string,
  died: Promise<never>,
): Promise<StackInfo> => {
  const { root, dataDir, progress } = opts;
  const ports = await allocatePorts(
    opts.ports === 'free'
      ? (Object.fromEntries(Object.keys(PREFERRED_PORTS).map((k) => [k, 0])) as typeof PREFERRED_PORTS)
      : PREFERRED_PORTS,
  );
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const tsx = (name: string, entry: string, env: NodeJS.ProcessEnv): ChildSpec => ({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(root, entry)],
    cwd: root,
    env: { ...process.env, ...env },
  });
  const started = (child: Supervised) => ({ abort: Promise.race([child.died, died]) });

  // 1. DynamoDB Local with the replication table in both regions, defined by the primary service's resource.
  assertJavaAvailable();
  const dynamodbEndpoint = url(ports.dynamodb);
  const dynamo = supervisor.start(
    dynamoDbLocalSpec({ port: ports.dynamodb, dbPath: ensureDir(join(dataDir, 'dynamodb')) }),
  );
  const dynamoClients = {
    [PRIMARY_REGION]: new DynamoDBClient(localClientConfig(PRIMARY_REGION, dynamodbEndpoint)),
    [BACKUP_REGION]: new DynamoDBClient(localClientConfig(BACKUP_REGION, dynamodbEndpoint)),
  };
  await waitFor(async () => (await dynamoClients[PRIMARY_REGION]?.send(new ListTablesCommand({}))) && true, {
    what: 'DynamoDB Local',
    timeoutMs: 30_000,
    ...started(dynamo),
  });
  const serviceYml = (service: string) => join(root, 'services', service, 'serverless.yml');
  // The global tables exist in both regions; each service's own state table in its region only.
  const table = readTableDefinition(serviceYml('primary'), STAGE, 'ReplicationTable', 'tableName');
  const controlTable = readTableDefinition(serviceYml('primary'), STAGE, 'ControlTable', 'controlTableName');
  const stateTables: Record<string, LocalTableDefinition> = {
    [PRIMARY_REGION]: readTableDefinition(serviceYml('primary'), STAGE, 'StateTable', 'stateTableName'),
    [BACKUP_REGION]: readTableDefinition(serviceYml('replica'), STAGE, 'StateTable', 'stateTableName'),
  };
  for (const [region, client] of Object.entries(dynamoClients)) {
    for (const definition of [table, controlTable, stateTables[region]]) {
      if (definition) await ensureTable(client, definition);
    }
  }
  progress(
    `DynamoDB Local on ${dynamodbEndpoint}, tables ${table.create.TableName}, ${controlTable.create.TableName} ` +
      `in ${PRIMARY_REGION} and ${BACKUP_REGION}, a state table in each`,
  );

  // Every endpoint a region shows the world goes through that region's gate, so `PUT control.primary
  // {"available":false}` takes the whole region away: from clients, from functions and from replication.
  const regionOutage = supervisor.start(
    tsx('region-outage-standin', 'local/standins/region-outage/main.ts', {
      CONTROL_PORT: String(ports.regionControl),
      GATES: JSON.stringify({
        primary: {
          cognito: [ports.cognitoPrimary, ports.cloudTrailPrimary],
          dynamodb: [ports.dynamodbPrimary, ports.dynamodb],
          api: [ports.api, ports.primaryHttp],
        },
        backup: {
          cognito: [ports.cognitoBackup, ports.cloudTrailBackup],
          dynamodb: [ports.dynamodbBackup, ports.dynamodb],
        },
      }),
    }),
  );
  const control = {
    primary: `${url(ports.regionControl)}/primary`,
    backup: `${url(ports.regionControl)}/backup`,
  };
  await waitFor(() => httpAnswers(control.primary), {
    what: 'region outage stand-in',
    timeoutMs: 30_000,
    ...started(regionOutage),
  });
  const regionDynamodb: Record<string, string> = {
    [PRIMARY_REGION]: url(ports.dynamodbPrimary),
    [BACKUP_REGION]: url(ports.dynamodbBackup),
  };

  // 2. cognito-local per region; each pool's triggers call its own service's real handlers.
  const primaryFunction = serverlessFunctionName('cognito-dr-primary', 'onPostConfirmation');
  const apiCallFunction = serverlessFunctionName('cognito-dr-primary', 'onCognitoApiCall');
  const replicaFunction = serverlessFunctionName('cognito-dr-replica', 'onUserRecordChange');
  const cognitoChild = (
    name: string,
    port: number,
    region: string,
    lambdaPort: number,
    triggers: Record<string, string>,
    issuerPort: number,
  ) =>
    supervisor.start(
      tsx(name, 'local/emulators/cognito-local-server.ts', {
        COGNITO_LOCAL_DIR: ensureDir(join(dataDir, name)),
        COGNITO_LOCAL_MAILBOX: join(dataDir, 'mailbox', `${name}.jsonl`),
        COGNITO_LOCAL_CONFIG: JSON.stringify({
          LambdaClient: { endpoint: url(lambdaPort), region, credentials: LOCAL_CREDENTIALS },
          TriggerFunctions: triggers,
          UserPoolDefaults: { UsernameAttributes: [] },
          TokenConfig: { IssuerDomain: url(issuerPort) },
        }),
        PORT: String(port),
        HOST: '127.0.0.1',
      }),
    );
  // Each emulator is reached through its region's gate and CloudTrail stand-in (ports.cognitoPrimary /
  // cognitoBackup), which is also the issuer its tokens name: clients only ever see that address, as they only see
  // Cognito's endpoint in AWS.
  const cognitoPrimary = cognitoChild(
    'cognito-primary',
    ports.cognitoPrimaryEmulator,
    PRIMARY_REGION,
    ports.primaryLambda,
    opts.primaryTriggers === 'none'
      ? {}
      : Object.fromEntries(
          ['PreSignUp', 'CustomMessage', 'UserMigration', 'PostAuthentication', 'PostConfirmation'].map(
            (trigger) => [trigger, serverlessFunctionName('cognito-dr-primary', `on${trigger}`)],
          ),
        ),
    ports.cognitoPrimary,
  );
  const cognitoBackup = cognitoChild(
    'cognito-backup',
    ports.cognitoBackupEmulator,
    BACKUP_REGION,
    ports.replicaLambda,
    Object.fromEntries(
      ['CustomMessage', 'PostConfirmation', 'PreSignUp'].map((trigger) => [
        trigger,
        serverlessFunctionName('cognito-dr-replica', `on${trigger}`),
      ]),
    ),
    ports.cognitoBackup,
  );
  // Provisioning talks to the emulators directly: the gates are for the world outside.
  const cognito = {
    primary: new CognitoIdentityProviderClient({
      ...localClientConfig(PRIMARY_REGION, url(ports.cognitoPrimaryEmulator)),
    }),
    backup: new CognitoIdentityProviderClient({
      ...localClientConfig(BACKUP_REGION, url(ports.cognitoBackupEmulator)),
    }),
  };
  await Promise.all([
    waitFor(async () => (await cognito.primary.send(new ListUserPoolsCommand({ MaxResults: 1 }))) && true, {
      what: 'cognito-local (primary)',
      timeoutMs: 30_000,
      ...started(cognitoPrimary),
    }),
    waitFor(async () => (await cognito.backup.send(new ListUserPoolsCommand({ MaxResults: 1 }))) && true, {
      what: 'cognito-local (backup)',
      timeoutMs: 30_000,
      ...started(cognitoBackup),
    }),
  ]);
  // Pools and clients as the templates declare them: the backup pool starts on standby (nothing auto-verified), and
  // every client may write only what users may (the fidelity layer enforces WriteAttributes as Cognito does).
  const schemas = loadSchemas(root);
  const appClient = (name: string) => ({
    name,
    authFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as ExplicitAuthFlowsType[],
    writeAttributes: schemas.userWritableAttributes(),
  });
  const primaryPool = await ensurePool(cognito.primary, {
    poolName: `cognito-dr-${STAGE}`,
    clients: [appClient('cognito-dr-admin')],
    schema: schemas.primarySchema(),
    autoVerifiedAttributes: ['email'],
  });
  const backupPool = await ensurePool(cognito.backup, {
    poolName: `cognito-dr-${STAGE}-backup`,
    clients: [
      appClient('cognito-dr-app'),
      {
        ...appClient(MIGRATION_CLIENT),
        authFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      },
      // The replica creates new backup users through it: one SignUp each, with its secret.
      {
        name: REPLICATOR_CLIENT_NAME,
        authFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        writeAttributes: schemas.replicatorWriteAttributes(),
        generateSecret: true,
      },
    ],
    schema: schemas.backupSchema(),
    autoVerifiedAttributes: [],
  });
  const replicatorClientId = backupPool.clientIds[REPLICATOR_CLIENT_NAME] as string;
  const admin = loadOrCreateAdmin(dataDir);
  await ensureAdmin(cognito.primary, primaryPool.userPoolId, { ...admin, email: 'dr-admin@example.com' });
  await ensureGroup(cognito.backup, backupPool.userPoolId, ADMIN_GROUP);
  progress(`cognito-local: primary ${url(ports.cognitoPrimary)}, backup ${url(ports.cognitoBackup)}`);

  // CloudTrail + EventBridge stand-in, one per region: every successful user-changing call reaching a pool is
  // reported to that region's out-of-band capture function, as the EventBridge rule does in AWS.
  const cloudTrailOf = (
    name: string,
    region: string,
    emulatorPort: number,
    port: number,
    service: string,
    lambdaPort: number,
  ) =>
    supervisor.start(
      tsx(name, 'local/standins/cloudtrail/main.ts', {
        CLOUDTRAIL_TARGET: url(emulatorPort),
        CLOUDTRAIL_PORT: String(port),
        REGION: region,
        FUNCTION_NAME: serverlessFunctionName(service, 'onCognitoApiCall'),
        LAMBDA_ENDPOINT: url(lambdaPort),
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      }),
    );
  const cloudTrails = [
    cloudTrailOf(
      'cloudtrail-standin',
      PRIMARY_REGION,
      ports.cognitoPrimaryEmulator,
      ports.cloudTrailPrimary,
      'cognito-dr-primary',
      ports.primaryLambda,
    ),
    cloudTrailOf(
      'cloudtrail-standin-backup',
      BACKUP_REGION,
      ports.cognitoBackupEmulator,
      ports.cloudTrailBackup,
      'cognito-dr-replica',
      ports.replicaLambda,
    ),
  ];
  await Promise.all(
    [ports.cloudTrailPrimary, ports.cloudTrailBackup].map((port, index) =>
      waitFor(() => httpAnswers(`${url(port)}/__cloudtrail`), {
        what: 'CloudTrail stand-in',
        timeoutMs: 30_000,
        ...started(cloudTrails[index] as Supervised),
      }),
    ),
  );

  // The replica reaches the backup pool through a proxy that can inject throttling (off unless asked for). It
  // bypasses the backup's CloudTrail stand-in: in AWS the capture there ignores the applier's calls anyway.
  const faultProxy = supervisor.start(
    tsx('backup-fault-proxy', 'local/emulators/fault-proxy.ts', {
      FAULT_TARGET: url(ports.cognitoBackupEmulator),
      FAULT_PORT: String(ports.backupFaultProxy),
      FAULT_THROTTLE_RATE: String(opts.backupThrottleRate ?? 0),
    }),
  );
  await waitFor(() => httpAnswers(`${url(ports.backupFaultProxy)}/__fault-injection`), {
    what: 'backup fault proxy',
    timeoutMs: 30_000,
    ...started(faultProxy),
  });

  // 3. serverless offline for both services, configured through the SDK's own endpoint variables.
  const deadLetters = {
    replicaFailureDestination: join(dataDir, 'dead-letters', 'replica-failure-destination.jsonl'),
    replicaParked: join(dataDir, 'dead-letters', 'replica-parked.jsonl'),
    primaryFailureDestination: join(dataDir, 'dead-letters', 'primary-failure-destination.jsonl'),
    primaryParked: join(dataDir, 'dead-letters', 'primary-parked.jsonl'),
  };
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
    supervisor.start({
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
  // Behind the primary's API gate; functions reach DynamoDB and Cognito of their own region through its gates.
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
    COGNITO_DR_REPLICATOR_CLIENT_ID: replicatorClientId,
    DEAD_LETTER_FILE: deadLetters.replicaParked,
  });
  await Promise.all([
    waitFor(() => httpAnswers(url(ports.primaryLambda)), {
      what: 'serverless offline (primary)',
      ...started(primaryService),
    }),
    waitFor(() => httpAnswers(url(ports.replicaLambda)), {
      what: 'serverless offline (replica)',
      ...started(replicaService),
    }),
  ]);
  progress(
    `serverless offline: API ${url(ports.api)}, Lambda ${url(ports.primaryLambda)} and ${url(ports.replicaLambda)}`,
  );
  // Before ready: the first burst must find the sign-up path's functions warm (warm-functions.ts). Dozens of
  // workers start at once, which on a loaded machine takes longer than the usual 10 s request timeout.
  const lambdaAt = (region: string, endpoint: string) =>
    new LambdaClient({
      ...localClientConfig(region, endpoint),
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 120_000 }),
    });
  const warmed = await Promise.all([
    warmFunctions(
      lambdaAt(PRIMARY_REGION, url(ports.primaryLambda)),
      warmUpTargets(
        'primary',
        { region: PRIMARY_REGION, userPoolId: primaryPool.userPoolId, clientId: primaryPool.clientId },
        (key) => serverlessFunctionName('cognito-dr-primary', key),
      ),
    ),
    warmFunctions(
      lambdaAt(BACKUP_REGION, url(ports.replicaLambda)),
      warmUpTargets(
        'backup',
        { region: BACKUP_REGION, userPoolId: backupPool.userPoolId, clientId: replicatorClientId },
        (key) => serverlessFunctionName('cognito-dr-replica', key),
      ),
    ),
  ]);
  progress(`warm: ${warmed.reduce((sum, side) => sum + side.instances, 0)} function instances`);

  // 4. The local stand-ins for what AWS itself does: global table replication and the event source mapping.
  const standinEnv = {
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  const globalTable = supervisor.start(
    tsx('global-table-standin', 'local/standins/global-table/main.ts', {
      ...standinEnv,
      TABLE_NAMES: [table, controlTable].map((t) => t.create.TableName).join(','),
      REGION_ENDPOINTS: JSON.stringify(regionDynamodb),
      REPLICATION_DELAY_MS: String(opts.replicationDelayMs),
      CHECKPOINT_FILE: join(dataDir, 'standins', 'global-table-checkpoints.json'),
    }),
  );
  // Each region's stream feeds that region's consumer, which applies records of the active region while its own
  // pool is standby: in normal times the backup's, after a failover the primary's (failback).
  const params = { primaryRegion: PRIMARY_REGION, backupRegion: BACKUP_REGION };
  const eventSourceOf = (
    name: string,
    region: string,
    service: string,
    lambdaPort: number,
    failures: string,
  ) =>
    supervisor.start(
      tsx(name, 'local/standins/stream-event-source/main.ts', {
        ...standinEnv,
        DYNAMODB_ENDPOINT: regionDynamodb[region],
        TABLE_NAME: table.create.TableName ?? '',
        REGION: region,
        LAMBDA_ENDPOINT: url(lambdaPort),
        FUNCTION_NAME: serverlessFunctionName(service, 'onUserRecordChange'),
        FUNCTION_KEY: 'onUserRecordChange',
        SERVERLESS_YML: serviceYml(service.replace('cognito-dr-', '')),
        PARAMS: JSON.stringify(params),
        FAILURE_DESTINATION_FILE: failures,
        CHECKPOINT_FILE: join(dataDir, 'standins', `${name}-checkpoints.json`),
      }),
    );
  const eventSources = [
    eventSourceOf(
      'event-source-mapping-standin',
      BACKUP_REGION,
      'cognito-dr-replica',
      ports.replicaLambda,
      deadLetters.replicaFailureDestination,
    ),
    eventSourceOf(
      'event-source-mapping-standin-primary',
      PRIMARY_REGION,
      'cognito-dr-primary',
      ports.primaryLambda,
      deadLetters.primaryFailureDestination,
    ),
  ];
  await Promise.all([
    waitFor(async () => (globalTable.lastLines().some((l) => l.includes('replicating')) ? true : undefined), {
      what: 'global table stand-in',
      timeoutMs: 30_000,
      ...started(globalTable),
    }),
    ...eventSources.map((eventSource) =>
      waitFor(
        async () =>
          eventSource.lastLines().some((l) => l.includes('event source mapping stand-in:'))
            ? true
            : undefined,
        {
          what: 'event source mapping stand-in',
          timeoutMs: 30_000,
          ...started(eventSource),
        },
      ),
    ),
  ]);

  const tableName = table.create.TableName ?? '';
  const controlTableName = controlTable.create.TableName ?? '';
  const stateTableName = (region: string) => stateTables[region]?.create.TableName ?? '';
  return {
    primary: {
      region: PRIMARY_REGION,
      cognitoEndpoint: url(ports.cognitoPrimary),
      userPoolId: primaryPool.userPoolId,
      clientId: primaryPool.clientId,
      dynamodbEndpoint: regionDynamodb[PRIMARY_REGION] as string,
      tableName,
      controlTableName,
      stateTableName: stateTableName(PRIMARY_REGION),
    },
    backup: {
      region: BACKUP_REGION,
      cognitoEndpoint: url(ports.cognitoBackup),
      userPoolId: backupPool.userPoolId,
      clientId: backupPool.clientId,
      replicatorClientId,
      dynamodbEndpoint: regionDynamodb[BACKUP_REGION] as string,
      tableName,
      controlTableName,
      stateTableName: stateTableName(BACKUP_REGION),
    },
    api: { baseUrl: url(ports.api) },
    admin: { username: admin.username, password: admin.password, group: ADMIN_GROUP },
    lambda: {
      primaryEndpoint: url(ports.primaryLambda),
      replicaEndpoint: url(ports.replicaLambda),
      functions: {
        onPostConfirmation: primaryFunction,
        onCognitoApiCall: apiCallFunction,
        onUserRecordChange: replicaFunction,
      },
    },
    deadLetters,
    faultInjection: {
      backupCognito: `${url(ports.backupFaultProxy)}/__fault-injection`,
      cloudTrail: `${url(ports.cloudTrailPrimary)}/__cloudtrail`,
      backupCloudTrail: `${url(ports.cloudTrailBackup)}/__cloudtrail`,
    },
    control,
    mailbox: {
      primary: join(dataDir, 'mailbox', 'cognito-primary.jsonl'),
      backup: join(dataDir, 'mailbox', 'cognito-backup.jsonl'),
    },
    credentials: LOCAL_CREDENTIALS,
    logs,
    replicationDelayMs: opts.replicationDelayMs,
  };
};

const ensureDir = (dir: string) => {
  mkdirSync(dir, { recursive: true });
  return dir;
};

const ensureTable = async (client: DynamoDBClient, table: LocalTableDefinition) => {
  const TableName = table.create.TableName;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    // A table kept from an older stack may lack an index the definition has gained since.
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of table.create.GlobalSecondaryIndexes ?? []) {
      if (present.has(index.IndexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: table.create.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
    return;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
  }
  await client.send(new CreateTableCommand(table.create));
  if (table.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  }
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

/** The admin's password is made once per data directory, so a restarted stack keeps working tokens' user. */
const loadOrCreateAdmin = (dataDir: string): { username: string; password: string; group: string } => {
  const file = join(dataDir, 'admin.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const admin = {
    username: 'dr-admin',
    password: `Dr-${randomBytes(12).toString('base64url')}-9a`,
    group: ADMIN_GROUP,
  };
  writeFileSync(file, JSON.stringify(admin), { mode: 0o600 });
  return admin;
};
