// Turns --stack / --stage / explicit ids into the pools and tables a command works on, with their SDK clients.
// Only --stack passes endpoints (the local emulators'); every other target leaves endpoints and credentials to the
// SDK's own settings (AWS_PROFILE, AWS_ENDPOINT_URL_*), as the services do.
import { readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  cognitoClient,
  type DeploymentPools,
  isErrorNamed,
  type ServerTime,
  type StackInfo,
  type StackRegion,
  sqsClient,
  tableClient,
} from '@cognito-dr/shared';
import type { TargetOptions } from './args';

/** The serverless.yml defaults, used when neither an option nor a pool id says otherwise. */
export const DEFAULT_PRIMARY_REGION = 'us-east-1';
export const DEFAULT_BACKUP_REGION = 'ap-northeast-1';

export interface PoolTarget {
  region: string;
  userPoolId: string;
  cognito: CognitoIdentityProviderClient;
  /** The backup pool's replicator app client, when the target names one (redrive and repair create users with it). */
  replicatorClientId?: string;
}

/** Where the replica's dead letters wait: the SQS queue of a stage, or the local stack's JSON-lines files. */
export type DeadLetterTarget =
  | { kind: 'sqs'; region: string; queueUrl: string; sqs: SQSClient }
  | { kind: 'files'; paths: string[] };

export interface TableTarget {
  region: string;
  tableName: string;
  /** The control table's replica in this region (region roles), where the target says which it is. */
  controlTableName?: string;
  /** This region's state table (the deletion breaker's counters and holds), where the target says which it is. */
  stateTableName?: string;
  table: DynamoDBDocumentClient;
}

export interface Target {
  /** For messages: where the command runs (never a secret). */
  label: string;
  /** The primary region (region roles name both regions; `pools` names the other). */
  primaryRegion: string;
  primary?: PoolTarget;
  backup?: PoolTarget;
  /** The replication table in the primary region (where records are written). */
  primaryTable?: TableTarget;
  /** Its replica in the backup region (what the replica function reads). */
  backupTable?: TableTarget;
  /**
   * This deployment's pool in each region, as far as the target names them (both for a stack file; what the stack
   * outputs read or the ids given say otherwise): writers refuse a table whose records name others.
   */
  pools: DeploymentPools;
  deadLetters?: DeadLetterTarget;
  /** The primary stack's PoolTriggers output (--stage): cognito-dr's trigger functions and the pool's own. */
  poolTriggers?: string;
}

export interface Needs {
  primary?: boolean;
  backup?: boolean;
  primaryTable?: boolean;
  backupTable?: boolean;
  deadLetters?: boolean;
  /** The backup pool too, where the target names it without another lookup (backfill checks it can take users). */
  backupIfNamed?: boolean;
}

/** The target cannot be resolved (missing file, stack or id). Exit code 2. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Outputs of a CloudFormation stack by key; injected so stage resolution is testable without AWS. */
export type StackOutputs = (region: string, stackName: string) => Promise<Record<string, string>>;

export const cloudFormationOutputs: StackOutputs = async (region, stackName) => {
  const cloudFormation = new CloudFormationClient({ region });
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs: Record<string, string> = {};
    for (const output of Stacks?.[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
    }
    return outputs;
  } catch (error) {
    // CloudFormation reports a missing stack as a ValidationError.
    if (isErrorNamed(error, 'ValidationError')) {
      throw new TargetError(
        `stack ${stackName} not found in ${region} (deployed with that --stage and region?)`,
      );
    }
    throw error;
  } finally {
    cloudFormation.destroy();
  }
};

/**
 * The SDK's own retries, for the calls a command makes unpaced; its paced runs (budgetedCognito) retry throttling in
 * the governor instead.
 */
const AWS_CLIENT = { maxAttempts: 8 };

export async function resolveTarget(
  options: TargetOptions,
  needs: Needs,
  stackOutputs: StackOutputs = cloudFormationOutputs,
): Promise<Target> {
  if (options.stack) return fromStackFile(options.stack, needs);
  if (options.stage) return fromStage(options, needs, stackOutputs);
  return fromExplicit(options, needs);
}

/** The region a pool id starts with (`us-east-1_AbC…`), if it looks like one. */
export const regionOfPoolId = (userPoolId: string | undefined): string | undefined =>
  userPoolId && /^[a-z]{2}(-[a-z]+)+-\d+_/.test(userPoolId) ? userPoolId.split('_')[0] : undefined;

function fromExplicit(options: TargetOptions, needs: Needs): Target {
  const require = (value: string | undefined, flag: string, why: string): string => {
    if (!value) throw new TargetError(`${flag} is required ${why}`);
    return value;
  };
  // A pool id starts with its region: one declared elsewhere would send every call to the wrong region.
  for (const [flag, poolId, region] of [
    ['primary', options.primaryPoolId, options.primaryRegion],
    ['backup', options.backupPoolId, options.backupRegion],
  ] as const) {
    const own = regionOfPoolId(poolId);
    if (own && region && own !== region) {
      throw new TargetError(
        `--${flag}-pool-id ${poolId} is a pool of ${own}, not of --${flag}-region ${region}: give the region the pool is in`,
      );
    }
  }
  const primaryRegion =
    options.primaryRegion ?? regionOfPoolId(options.primaryPoolId) ?? DEFAULT_PRIMARY_REGION;
  const backupRegion = options.backupRegion ?? regionOfPoolId(options.backupPoolId) ?? DEFAULT_BACKUP_REGION;
  const target: Target = {
    label: 'explicit resources',
    primaryRegion,
    pools: { [primaryRegion]: options.primaryPoolId, [backupRegion]: options.backupPoolId },
  };
  if (needs.primary) {
    const userPoolId = require(options.primaryPoolId, '--primary-pool-id', 'to read the primary pool');
    target.primary = awsPool(primaryRegion, userPoolId);
  }
  if (needs.backup) {
    const userPoolId = require(options.backupPoolId, '--backup-pool-id', 'to read the backup pool');
    target.backup = awsPool(backupRegion, userPoolId);
  } else if (needs.backupIfNamed && options.backupPoolId) {
    target.backup = awsPool(backupRegion, options.backupPoolId);
  }
  if (needs.deadLetters) throw new TargetError('the dead-letter queue is found through --stack or --stage');
  if (needs.primaryTable || needs.backupTable) {
    const tableName = require(options.table, '--table', 'to read the replication table');
    const stateTableName = options.stateTable;
    if (needs.primaryTable) target.primaryTable = { ...awsTable(primaryRegion, tableName), stateTableName };
    if (needs.backupTable) target.backupTable = { ...awsTable(backupRegion, tableName), stateTableName };
  }
  return target;
}

async function fromStage(options: TargetOptions, needs: Needs, stackOutputs: StackOutputs): Promise<Target> {
  const stage = options.stage as string;
  const primaryRegion = options.primaryRegion ?? DEFAULT_PRIMARY_REGION;
  const primaryStack = `cognito-dr-primary-${stage}`;
  const replicaStack = `cognito-dr-replica-${stage}`;
  const output = (outputs: Record<string, string>, key: string, stack: string): string => {
    const value = outputs[key];
    if (!value) throw new TargetError(`stack ${stack} has no output ${key}`);
    return value;
  };
  const label = `stage ${stage}`;
  if (!needs.primary && !needs.primaryTable && options.backupRegion) {
    // Backup side only, its region given: the primary region is never asked, so this works while it is down.
    const replicaOutputs = await stackOutputs(options.backupRegion, replicaStack);
    const target: Target = {
      label,
      primaryRegion,
      pools: {
        [primaryRegion]: replicaOutputs.PrimaryUserPoolId || undefined,
        [options.backupRegion]: replicaOutputs.BackupUserPoolId || undefined,
      },
    };
    const tableName = output(replicaOutputs, 'ReplicationTableName', replicaStack);
    replicaSide(target, needs, options.backupRegion, replicaOutputs, (key) =>
      output(replicaOutputs, key, replicaStack),
    );
    if (needs.backupTable) {
      target.backupTable = {
        ...awsTable(options.backupRegion, tableName),
        controlTableName: replicaOutputs.ControlTableName,
        stateTableName: replicaOutputs.StateTableName,
      };
    }
    return target;
  }
  // The table name comes from the primary stack; the replica stack is asked only for the backup pool.
  const primaryOutputs = await stackOutputs(primaryRegion, primaryStack);
  const tableName = output(primaryOutputs, 'ReplicationTableName', primaryStack);
  // The primary stack names the backup region it replicates to (serverless-compose deploys the replica there).
  const backupRegion = options.backupRegion ?? primaryOutputs.BackupRegion ?? DEFAULT_BACKUP_REGION;
  const target: Target = {
    label,
    primaryRegion,
    pools: {
      [primaryRegion]: primaryOutputs.UserPoolId || undefined,
      [backupRegion]: primaryOutputs.BackupUserPoolIdInUse || undefined,
    },
  };
  if (needs.primary)
    target.primary = awsPool(primaryRegion, output(primaryOutputs, 'UserPoolId', primaryStack));
  target.poolTriggers = primaryOutputs.PoolTriggers;
  if (needs.backupIfNamed && !needs.backup && primaryOutputs.BackupUserPoolIdInUse)
    target.backup = awsPool(backupRegion, primaryOutputs.BackupUserPoolIdInUse);
  let replicaOutputs: Record<string, string> = {};
  if (needs.backup || needs.deadLetters) {
    replicaOutputs = await stackOutputs(backupRegion, replicaStack);
    const outputs = replicaOutputs;
    replicaSide(target, needs, backupRegion, outputs, (key) => output(outputs, key, replicaStack));
    if (target.backup) target.pools[backupRegion] = target.backup.userPoolId;
  }
  const controlTableName = primaryOutputs.ControlTableName;
  if (needs.primaryTable) {
    const stateTableName = primaryOutputs.StateTableName;
    target.primaryTable = { ...awsTable(primaryRegion, tableName), controlTableName, stateTableName };
  }
  if (needs.backupTable) {
    const stateTableName = replicaOutputs.StateTableName;
    target.backupTable = { ...awsTable(backupRegion, tableName), controlTableName, stateTableName };
  }
  return target;
}

/** From the replica stack: the backup pool, with its replicator client if it has one, and the dead letters. */
function replicaSide(
  target: Target,
  needs: Needs,
  backupRegion: string,
  replicaOutputs: Record<string, string>,
  output: (key: string) => string,
): void {
  if (needs.backup) {
    target.backup = {
      ...awsPool(backupRegion, output('BackupUserPoolId')),
      // Absent in stacks deployed before the replicator client: users are then created the two-call way.
      replicatorClientId: replicaOutputs.BackupReplicatorClientId,
    };
  }
  if (needs.deadLetters) {
    target.deadLetters = {
      kind: 'sqs',
      region: backupRegion,
      queueUrl: output('ApplyDeadLetterQueueUrl'),
      sqs: sqsClient({ region: backupRegion, ...AWS_CLIENT }),
    };
  }
}

const awsPool = (region: string, userPoolId: string): PoolTarget => ({
  region,
  userPoolId,
  cognito: cognitoClient({ region, ...AWS_CLIENT }),
});

const awsTable = (region: string, tableName: string): TableTarget => ({
  region,
  tableName,
  table: tableClient({ region, ...AWS_CLIENT }),
});

function fromStackFile(file: string, needs: Needs): Target {
  let stack: StackInfo;
  try {
    stack = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  } catch {
    throw new TargetError(`cannot read the local stack description ${file}: start the stack with npm start`);
  }
  return targetFromStack(stack, needs, file);
}

/** A target on a local stack already read (the bench has it in hand); `source` names it in messages. */
export function targetFromStack(stack: StackInfo, needs: Needs, source = 'stack.json'): Target {
  const file = source;
  for (const side of ['primary', 'backup'] as const) {
    const region = stack?.[side];
    for (const field of [
      'region',
      'cognitoEndpoint',
      'userPoolId',
      'dynamodbEndpoint',
      'tableName',
    ] as const) {
      if (typeof region?.[field] !== 'string') throw new TargetError(`${file}: ${side}.${field} is missing`);
    }
  }
  const credentials = stack.credentials;
  const pool = (side: StackRegion): PoolTarget => ({
    region: side.region,
    userPoolId: side.userPoolId,
    cognito: cognitoClient({
      region: side.region,
      endpoint: side.cognitoEndpoint,
      credentials,
      maxAttempts: 5,
    }),
  });
  const table = (side: StackRegion): TableTarget => ({
    region: side.region,
    tableName: side.tableName,
    controlTableName: side.controlTableName,
    stateTableName: side.stateTableName,
    table: tableClient({ region: side.region, endpoint: side.dynamodbEndpoint, credentials, maxAttempts: 5 }),
  });
  const deadLetters = stack.deadLetters;
  if (needs.deadLetters && !deadLetters) throw new TargetError(`${file}: deadLetters is missing`);
  return {
    label: `local stack ${file}`,
    primaryRegion: stack.primary.region,
    pools: {
      [stack.primary.region]: stack.primary.userPoolId,
      [stack.backup.region]: stack.backup.userPoolId,
    },
    primary: needs.primary ? pool(stack.primary) : undefined,
    backup: needs.backup
      ? { ...pool(stack.backup), replicatorClientId: stack.backup.replicatorClientId }
      : needs.backupIfNamed
        ? pool(stack.backup)
        : undefined,
    deadLetters:
      needs.deadLetters && deadLetters
        ? { kind: 'files', paths: [deadLetters.replicaParked, deadLetters.replicaFailureDestination] }
        : undefined,
    primaryTable: needs.primaryTable ? table(stack.primary) : undefined,
    backupTable: needs.backupTable ? table(stack.backup) : undefined,
  };
}

/** Has every client of the target report the time of each answer it receives (see ServerTime). */
export function watchTarget(target: Target, serverTime: ServerTime): Target {
  for (const pool of [target.primary, target.backup]) if (pool) serverTime.watch(pool.cognito);
  for (const table of [target.primaryTable, target.backupTable]) if (table) serverTime.watch(table.table);
  return target;
}

/** Closes every client's sockets so the process can exit promptly. */
export function closeTarget(target: Target): void {
  target.primary?.cognito.destroy();
  target.backup?.cognito.destroy();
  target.primaryTable?.table.destroy();
  target.backupTable?.table.destroy();
  if (target.deadLetters?.kind === 'sqs') target.deadLetters.sqs.destroy();
}
