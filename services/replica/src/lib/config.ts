// Reads the replica's settings from the environment once, failing at cold start rather than on the first record.
import { ConfigError, envReader } from '@cognito-dr/shared';

export interface ReplicaConfig {
  backupUserPoolId: string;
  tableName: string;
  region: string;
  /** Share of each default Cognito quota the consumer may use at most (QUOTA_SHARE, default 1). */
  quotaShare: number;
  /** The backup pool's replicator client (REPLICATOR_CLIENT_ID); absent: AdminCreateUser + AdminSetUserPassword. */
  replicatorClientId?: string;
  deadLetter: { kind: 'sqs'; queueUrl: string } | { kind: 'file'; path: string } | { kind: 'none' };
}

/**
 * BACKUP_USER_POOL_ID, TABLE_NAME and AWS_REGION are required. QUOTA_SHARE scales the Cognito quotas the
 * consumer paces itself to (0.8 leaves a fifth of each category to others in the account and region). At most one of DEAD_LETTER_QUEUE_URL (AWS) and
 * DEAD_LETTER_FILE (local stack) may be set; an empty value counts as unset, which is how serverless.yml leaves
 * the queue URL out locally.
 */
export function readReplicaConfig(vars: NodeJS.ProcessEnv): ReplicaConfig {
  const env = envReader(vars);
  env.requireAll('BACKUP_USER_POOL_ID', 'TABLE_NAME', 'AWS_REGION');
  const queueUrl = env.optional('DEAD_LETTER_QUEUE_URL');
  const file = env.optional('DEAD_LETTER_FILE');
  if (queueUrl && file) throw new ConfigError('set DEAD_LETTER_QUEUE_URL or DEAD_LETTER_FILE, not both');
  return {
    backupUserPoolId: env.required('BACKUP_USER_POOL_ID'),
    tableName: env.required('TABLE_NAME'),
    region: env.required('AWS_REGION'),
    quotaShare: env.positiveNumber('QUOTA_SHARE', 1),
    replicatorClientId: env.optional('REPLICATOR_CLIENT_ID'),
    deadLetter: queueUrl ? { kind: 'sqs', queueUrl } : file ? { kind: 'file', path: file } : { kind: 'none' },
  };
}
