// Reads a stream consumer's settings from the environment once, failing at cold start rather than on the first
// record. The same consumer runs in both regions, each converging its own region's pool.
import { ConfigError, envReader } from '@cognito-dr/shared';
import { type BreakerSettings, breakerSettingsFromEnv } from './deletion-breaker';

export interface ApplyConfig {
  /** The pool this consumer converges: its own region's. */
  userPoolId: string;
  tableName: string;
  region: string;
  createMissing: boolean;
  /** Share of each default Cognito quota the consumer may use at most (APPLY_QUOTA_SHARE, default 1). */
  quotaShare: number;
  /** The pool's replicator client (REPLICATOR_CLIENT_ID); absent: AdminCreateUser + AdminSetUserPassword. */
  replicatorClientId?: string;
  deadLetter: { kind: 'sqs'; queueUrl: string } | { kind: 'file'; path: string } | { kind: 'none' };
  /**
   * This region's state table (STATE_TABLE_NAME): the consumer's watermark, the subs it created, the breaker's
   * counters and holds. Absent: none of them is kept, and deletions are not held.
   */
  stateTableName?: string;
  /** The deletion breaker's thresholds (DELETE_BREAKER_*). */
  breaker: BreakerSettings;
  /** Where the region roles are read: this region's replica of the control table. */
  roles: { tableName: string; primaryRegion: string; backupRegion: string };
}

/**
 * USER_POOL_ID, TABLE_NAME and AWS_REGION are required; CREATE_MISSING (true/false) says whether users the pool
 * lacks are created (the backup pool) or left to migrate in on first sign-in (the primary pool). APPLY_QUOTA_SHARE
 * scales the Cognito quotas the consumer paces itself to (0.8 leaves a fifth of each category to others in the
 * account and region); REPLICATOR_CLIENT_ID names the pool's replicator client (one SignUp per new user). At most
 * one of DEAD_LETTER_QUEUE_URL (AWS) and DEAD_LETTER_FILE (local stack) may be set; an empty value counts as
 * unset, which is how serverless.yml leaves the queue URL out locally. CONTROL_TABLE_NAME, PRIMARY_REGION and
 * BACKUP_REGION (every function has them) say where the roles are read.
 */
export function readApplyConfig(vars: NodeJS.ProcessEnv = process.env): ApplyConfig {
  const env = envReader(vars);
  env.requireAll('USER_POOL_ID', 'TABLE_NAME', 'AWS_REGION', 'CREATE_MISSING');
  const createMissing = env.required('CREATE_MISSING');
  if (createMissing !== 'true' && createMissing !== 'false') {
    throw new ConfigError('environment variable CREATE_MISSING must be true or false');
  }
  const queueUrl = env.optional('DEAD_LETTER_QUEUE_URL');
  const file = env.optional('DEAD_LETTER_FILE');
  if (queueUrl && file) throw new ConfigError('set DEAD_LETTER_QUEUE_URL or DEAD_LETTER_FILE, not both');
  return {
    userPoolId: env.required('USER_POOL_ID'),
    tableName: env.required('TABLE_NAME'),
    region: env.required('AWS_REGION'),
    createMissing: createMissing === 'true',
    quotaShare: env.positiveNumber('APPLY_QUOTA_SHARE', 1),
    replicatorClientId: env.optional('REPLICATOR_CLIENT_ID'),
    deadLetter: queueUrl ? { kind: 'sqs', queueUrl } : file ? { kind: 'file', path: file } : { kind: 'none' },
    stateTableName: env.optional('STATE_TABLE_NAME'),
    breaker: breakerSettingsFromEnv(env),
    roles: {
      tableName: env.required('CONTROL_TABLE_NAME'),
      primaryRegion: env.required('PRIMARY_REGION'),
      backupRegion: env.required('BACKUP_REGION'),
    },
  };
}
