// Both regions as failover and failback see them (pool and app client, the two global tables' replicas, the state
// table), from the local stack's stack.json or a deployed stage, and where the active endpoint is published. A stage
// is resolved from the backup region alone: the replica stack repeats the primary's coordinates, because a
// failover must work with the primary region — and its CloudFormation — gone.
import { readFileSync, writeFileSync } from 'node:fs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActiveEndpoint, RegionHandle } from '@cognito-dr/failover';
import type { StackInfo, StackRegion } from '@cognito-dr/shared';
import {
  type ClientOptions,
  cognitoClient,
  type RolesTable,
  readRoles,
  tableClient,
} from '@cognito-dr/shared';
import type { TargetOptions } from './args';
import { cloudFormationOutputs, DEFAULT_PRIMARY_REGION, type StackOutputs, TargetError } from './targets';

export interface Regions {
  label: string;
  primary: RegionHandle;
  backup: RegionHandle;
  publish: (endpoint: ActiveEndpoint) => Promise<string[]>;
  /**
   * Where a region's users table answers point-in-time recovery (DescribeContinuousBackups,
   * RestoreTableToPointInTime): DynamoDB itself in AWS, the stand-in of the local stack.
   */
  tableRecovery: (region: string) => DynamoDBDocumentClient;
}

/** Where apps read the active endpoint in each region (a JSON String parameter); `failover` and `failback` write it. */
export const activeParameterName = (stage: string) => `/cognito-dr/${stage}/active`;

interface RegionCoordinates {
  region: string;
  userPoolId: string;
  clientId: string;
  issuer: string;
  tableName: string;
  controlTableName: string;
  stateTableName: string;
}

/** One quick answer or none: a region that is down must not cost the failover a minute of retries. */
const PROBE_ATTEMPTS = 1;

/** A region's handle, its clients built with `options` (the local stack's endpoints and credentials, or none). */
function handle(
  coordinates: RegionCoordinates,
  regions: { primary: string; backup: string },
  endpoints: { cognito?: string; dynamodb?: string; credentials?: ClientOptions['credentials'] } = {},
): RegionHandle {
  const base = { region: coordinates.region, credentials: endpoints.credentials };
  const table = tableClient({ ...base, endpoint: endpoints.dynamodb, maxAttempts: 5 });
  const probeTable = tableClient({ ...base, endpoint: endpoints.dynamodb, maxAttempts: PROBE_ATTEMPTS });
  const control = (from: typeof table): RolesTable => ({
    table: from,
    tableName: coordinates.controlTableName,
    primaryRegion: regions.primary,
    backupRegion: regions.backup,
  });
  return {
    region: coordinates.region,
    pool: {
      cognito: cognitoClient({ ...base, endpoint: endpoints.cognito, maxAttempts: 5 }),
      userPoolId: coordinates.userPoolId,
      clientId: coordinates.clientId,
      issuer: coordinates.issuer,
    },
    users: { table, tableName: coordinates.tableName },
    control: control(table),
    state: { table, tableName: coordinates.stateTableName },
    probe: () => readRoles(control(probeTable)),
  };
}

export async function resolveRegions(
  options: TargetOptions,
  stackOutputs: StackOutputs = cloudFormationOutputs,
): Promise<Regions> {
  if (options.stack) return fromStackFile(options.stack);
  if (options.stage) return fromStage(options, stackOutputs);
  throw new TargetError('failover and failback need --stack <file> or --stage <name>, not explicit ids');
}

function fromStackFile(file: string): Regions {
  let stack: StackInfo;
  try {
    stack = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new TargetError(`cannot read the local stack description ${file}: start the stack with npm start`);
  }
  for (const side of ['primary', 'backup'] as const) {
    for (const field of ['controlTableName', 'stateTableName', 'clientId'] as const) {
      if (typeof stack[side]?.[field] !== 'string') {
        throw new TargetError(`${file}: ${side}.${field} is missing (a stack started by an older version?)`);
      }
    }
  }
  const regions = { primary: stack.primary.region, backup: stack.backup.region };
  // Each region's own endpoints: the local stack's gates, which a regional outage closes.
  const of = (side: StackRegion) =>
    handle({ ...side, issuer: `${side.cognitoEndpoint}/${side.userPoolId}` }, regions, {
      cognito: side.cognitoEndpoint,
      dynamodb: side.dynamodbEndpoint,
      credentials: stack.credentials,
    });
  const primary = of(stack.primary);
  const backup = of(stack.backup);
  const sideIn = (region: string) => (region === stack.backup.region ? stack.backup : stack.primary);
  return {
    label: `local stack ${file}`,
    primary,
    backup,
    tableRecovery: (region) => {
      const side = sideIn(region);
      return tableClient({
        region,
        credentials: stack.credentials,
        endpoint: side.pointInTimeEndpoint ?? side.dynamodbEndpoint,
        maxAttempts: 5,
      });
    },
    // Apps of the local stack read the active endpoint from stack.json, as apps in AWS read the parameter.
    publish: async (endpoint) => {
      const current = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, `${JSON.stringify({ ...current, active: endpoint }, null, 2)}\n`, { mode: 0o600 });
      return [`${file} (key "active")`];
    },
  };
}

async function fromStage(options: TargetOptions, stackOutputs: StackOutputs): Promise<Regions> {
  const stage = options.stage as string;
  const replicaStack = `cognito-dr-replica-${stage}`;
  const primaryRegion = options.primaryRegion ?? DEFAULT_PRIMARY_REGION;
  if (!options.backupRegion) {
    throw new TargetError(
      '--backup-region is required: failover must find everything from the backup region, with the primary gone',
    );
  }
  const outputs = await stackOutputs(options.backupRegion, replicaStack);
  const output = (key: string): string => {
    const value = outputs[key];
    if (!value)
      throw new TargetError(`stack ${replicaStack} has no output ${key} (deploy it with serverless-compose)`);
    return value;
  };
  if (output('PrimaryRegion') !== primaryRegion) {
    throw new TargetError(
      `stack ${replicaStack} replicates ${output('PrimaryRegion')}, not ${primaryRegion}`,
    );
  }
  const regions = { primary: primaryRegion, backup: options.backupRegion };
  const common = {
    tableName: output('ReplicationTableName'),
    controlTableName: output('ControlTableName'),
    // Each service names its own state table the same way (cognito-dr-state-<stage>).
    stateTableName: output('StateTableName'),
  };
  const issuer = (region: string, poolId: string) => `https://cognito-idp.${region}.amazonaws.com/${poolId}`;
  const primary = handle(
    {
      region: primaryRegion,
      userPoolId: output('PrimaryUserPoolId'),
      clientId: output('PrimaryUserPoolClientId'),
      issuer: issuer(primaryRegion, output('PrimaryUserPoolId')),
      ...common,
    },
    regions,
  );
  const backup = handle(
    {
      region: options.backupRegion,
      userPoolId: output('BackupUserPoolId'),
      clientId: output('BackupUserPoolClientId'),
      issuer: issuer(options.backupRegion, output('BackupUserPoolId')),
      ...common,
    },
    regions,
  );
  const name = activeParameterName(stage);
  return {
    label: `stage ${stage}`,
    primary,
    backup,
    tableRecovery: (region) => tableClient({ region, maxAttempts: 5 }),
    // Both regions, so apps find the answer in whichever they can reach; a region that is down is skipped.
    publish: async (endpoint) => {
      const published: string[] = [];
      for (const region of [backup.region, primary.region]) {
        const ssm = new SSMClient({ region, maxAttempts: region === primary.region ? 1 : 5 });
        try {
          await ssm.send(
            new PutParameterCommand({
              Name: name,
              Type: 'String',
              Overwrite: true,
              Value: JSON.stringify(endpoint),
            }),
          );
          published.push(`SSM ${name} in ${region}`);
        } catch (error) {
          if (region === backup.region) throw error;
        } finally {
          ssm.destroy();
        }
      }
      return published;
    },
  };
}
