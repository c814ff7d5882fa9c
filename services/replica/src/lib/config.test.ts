import { ConfigError } from '@cognito-dr/shared';
import { readReplicaConfig } from './config';

const base = { BACKUP_USER_POOL_ID: 'ap-northeast-1_abc', TABLE_NAME: 'users', AWS_REGION: 'ap-northeast-1' };

describe('readReplicaConfig', () => {
  it('reads the required settings and SQS as the dead-letter sink', () => {
    expect(readReplicaConfig({ ...base, DEAD_LETTER_QUEUE_URL: 'https://sqs/q' })).toEqual({
      backupUserPoolId: 'ap-northeast-1_abc',
      tableName: 'users',
      region: 'ap-northeast-1',
      quotaShare: 1,
      replicatorClientId: undefined,
      deadLetter: { kind: 'sqs', queueUrl: 'https://sqs/q' },
    });
  });

  it('takes the file sink when the queue URL is empty, as serverless.yml leaves it locally', () => {
    expect(
      readReplicaConfig({ ...base, DEAD_LETTER_QUEUE_URL: '', DEAD_LETTER_FILE: '/tmp/p.jsonl' }),
    ).toMatchObject({
      deadLetter: { kind: 'file', path: '/tmp/p.jsonl' },
    });
  });

  it('reads the share of the quotas to use, and refuses one that is not a positive number', () => {
    expect(readReplicaConfig({ ...base, QUOTA_SHARE: '0.8' }).quotaShare).toBe(0.8);
    expect(() => readReplicaConfig({ ...base, QUOTA_SHARE: '-1' })).toThrow(/QUOTA_SHARE/);
  });

  it('runs without a sink', () => {
    expect(readReplicaConfig(base).deadLetter).toEqual({ kind: 'none' });
  });

  it('names every missing variable', () => {
    expect(() => readReplicaConfig({ AWS_REGION: 'x', TABLE_NAME: ' ' })).toThrow(
      new ConfigError('missing required environment variables: BACKUP_USER_POOL_ID, TABLE_NAME'),
    );
  });

  it('refuses two sinks at once', () => {
    expect(() => readReplicaConfig({ ...base, DEAD_LETTER_QUEUE_URL: 'q', DEAD_LETTER_FILE: 'f' })).toThrow(
      ConfigError,
    );
  });
});
