// Reads a stream consumer's settings from the environment once, failing at cold start rather than on the first
// record. The same consumer runs in both regions, each converging its own region's pool.
import { ConfigError, envReader } from '@cognito-dr/shared';

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
}

/**
 * USER_POOL_ID, TABLE_NAME and AWS_REGION are required; CREATE_MISSING (true/false) says whether users the pool
 * lacks are created (the backup pool) or left to migrate in on first sign-in (the primary pool). APPLY_QUOTA_SHARE
 * scales the Cognito quotas the consumer paces itself to (0.8 leaves a fifth of each category to others in the
 * account and region); REPLICATOR_CLIENT_ID names the pool's replicator client (one SignUp per new user). At most
 * one of DEAD_LETTER_QUEUE_URL (AWS) and DEAD_LETTER_FILE (local stack) may be set; an empty value counts as
 * unset, which is how serverless.yml leaves the queue URL out locally.
 */
export function readApplyConfig(vars: NodeJS.ProcessEnv): ApplyConfig {
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
  };
}
