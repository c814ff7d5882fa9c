// Reads the replica's settings from the environment once, failing at cold start rather than on the first record.

export interface ReplicaConfig {
  backupUserPoolId: string;
  tableName: string;
  region: string;
  deadLetter: { kind: 'sqs'; queueUrl: string } | { kind: 'file'; path: string } | { kind: 'none' };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * BACKUP_USER_POOL_ID, TABLE_NAME and AWS_REGION are required. At most one of DEAD_LETTER_QUEUE_URL (AWS) and
 * DEAD_LETTER_FILE (local stack) may be set; an empty value counts as unset, which is how serverless.yml leaves
 * the queue URL out locally.
 */
export function readReplicaConfig(env: NodeJS.ProcessEnv): ReplicaConfig {
  const missing = ['BACKUP_USER_POOL_ID', 'TABLE_NAME', 'AWS_REGION'].filter((name) => !env[name]?.trim());
  if (missing.length > 0)
    throw new ConfigError(`missing required environment variables: ${missing.join(', ')}`);
  const queueUrl = env.DEAD_LETTER_QUEUE_URL?.trim();
  const file = env.DEAD_LETTER_FILE?.trim();
  if (queueUrl && file) throw new ConfigError('set DEAD_LETTER_QUEUE_URL or DEAD_LETTER_FILE, not both');
  return {
    backupUserPoolId: (env.BACKUP_USER_POOL_ID as string).trim(),
    tableName: (env.TABLE_NAME as string).trim(),
    region: (env.AWS_REGION as string).trim(),
    deadLetter: queueUrl ? { kind: 'sqs', queueUrl } : file ? { kind: 'file', path: file } : { kind: 'none' },
  };
}
