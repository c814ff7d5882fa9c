// Step 9: the local stand-ins for what AWS itself does: global table replication; each region's event source
// mapping feeding its table's stream to that region's consumer, which applies records of the active region while
// its own pool is standby (in normal times the backup's; after a failover the primary's, for failback); and each
// region's point-in-time recovery of the users table (`cognito-dr restore --as-of`).
import { join } from 'node:path';
import { LOCAL_CREDENTIALS } from '../../lib/local-aws';
import type { Supervised } from '../../lib/supervisor';
import { waitFor } from '../../lib/wait-for';
import {
  BACKUP_REGION,
  PRIMARY_REGION,
  READY_TIMEOUT_MS,
  type StepContext,
  serverlessFunctionName,
  serviceYml,
  started,
  tsx,
  url,
} from './context';
import type { Tables } from './dynamodb';
import type { DeadLetters } from './serverless-offline';

export const startReplicationStandins = async (
  ctx: StepContext,
  tables: Tables,
  regionDynamodb: Record<string, string>,
  deadLetters: DeadLetters,
): Promise<void> => {
  const { root, dataDir } = ctx.opts;
  const { ports } = ctx;
  const standinEnv = {
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  const globalTable = ctx.supervisor.start(
    tsx(ctx, 'global-table-standin', 'local/standins/global-table/main.ts', {
      ...standinEnv,
      TABLE_NAMES: [tables.tableName, tables.controlTableName].join(','),
      REGION_ENDPOINTS: JSON.stringify(regionDynamodb),
      REPLICATION_DELAY_MS: String(ctx.opts.replicationDelayMs),
      CHECKPOINT_FILE: join(dataDir, 'standins', 'global-table-checkpoints.json'),
    }),
  );
  const params = { primaryRegion: PRIMARY_REGION, backupRegion: BACKUP_REGION };
  const eventSourceOf = (
    name: string,
    region: string,
    service: string,
    lambdaPort: number,
    failures: string,
  ) =>
    ctx.supervisor.start(
      tsx(ctx, name, 'local/standins/stream-event-source/main.ts', {
        ...standinEnv,
        DYNAMODB_ENDPOINT: regionDynamodb[region],
        TABLE_NAME: tables.tableName,
        REGION: region,
        LAMBDA_ENDPOINT: url(lambdaPort),
        FUNCTION_NAME: serverlessFunctionName(service, 'onUserRecordChange'),
        FUNCTION_KEY: 'onUserRecordChange',
        SERVERLESS_YML: serviceYml(root, service.replace('cognito-dr-', '')),
        PARAMS: JSON.stringify(params),
        FAILURE_DESTINATION_FILE: failures,
        CHECKPOINT_FILE: join(dataDir, 'standins', `${name}-checkpoints.json`),
      }),
    );
  const eventSources: Supervised[] = [
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
  const pointInTimeOf = (region: string, port: number) =>
    ctx.supervisor.start(
      tsx(ctx, `point-in-time-standin-${region}`, 'local/standins/point-in-time/main.ts', {
        ...standinEnv,
        REGION: region,
        DYNAMODB_ENDPOINT: regionDynamodb[region],
        TABLE_NAME: tables.tableName,
        PORT: String(port),
        HISTORY_FILE: join(dataDir, 'standins', `point-in-time-${region}.jsonl`),
        CHECKPOINT_FILE: join(dataDir, 'standins', `point-in-time-${region}-checkpoints.json`),
      }),
    );
  const pointInTime = [
    pointInTimeOf(PRIMARY_REGION, ports.pointInTimePrimary),
    pointInTimeOf(BACKUP_REGION, ports.pointInTimeBackup),
  ];
  const logged = (child: Supervised, line: string) => async () =>
    child.lastLines().some((l) => l.includes(line)) ? true : undefined;
  await Promise.all([
    waitFor(logged(globalTable, 'replicating'), {
      what: 'global table stand-in',
      timeoutMs: READY_TIMEOUT_MS,
      ...started(ctx, globalTable),
    }),
    ...pointInTime.map((standin) =>
      waitFor(logged(standin, 'point-in-time recovery stand-in for'), {
        what: 'point-in-time recovery stand-in',
        timeoutMs: READY_TIMEOUT_MS,
        ...started(ctx, standin),
      }),
    ),
    ...eventSources.map((eventSource) =>
      waitFor(logged(eventSource, 'event source mapping stand-in:'), {
        what: 'event source mapping stand-in',
        timeoutMs: READY_TIMEOUT_MS,
        ...started(ctx, eventSource),
      }),
    ),
  ]);
};
