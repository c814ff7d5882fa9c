import { ConfigError } from '@cognito-dr/shared';
import { readApplyConfig } from './config';
import { DEFAULT_BREAKER_SETTINGS } from './deletion-breaker';

const base = {
  USER_POOL_ID: 'ap-northeast-1_abc',
  TABLE_NAME: 'users',
  AWS_REGION: 'ap-northeast-1',
  CREATE_MISSING: 'true',
  CONTROL_TABLE_NAME: 'control',
  PRIMARY_REGION: 'us-east-1',
  BACKUP_REGION: 'ap-northeast-1',
};

describe('readApplyConfig', () => {
  it('reads the required settings and SQS as the dead-letter sink', () => {
    expect(readApplyConfig({ ...base, DEAD_LETTER_QUEUE_URL: 'https://sqs/q' })).toEqual({
      userPoolId: 'ap-northeast-1_abc',
      tableName: 'users',
      region: 'ap-northeast-1',
      createMissing: true,
      quotaShare: 1,
      replicatorClientId: undefined,
      deadLetter: { kind: 'sqs', queueUrl: 'https://sqs/q' },
      stateTableName: undefined,
      breaker: DEFAULT_BREAKER_SETTINGS,
      roles: { tableName: 'control', primaryRegion: 'us-east-1', backupRegion: 'ap-northeast-1' },
    });
  });

  it('reads the state table, the breaker thresholds and where the roles are, all from the one reader', () => {
    const config = readApplyConfig({
      ...base,
      STATE_TABLE_NAME: 'state',
      DELETE_BREAKER_MINIMUM: '5',
      DELETE_BREAKER_PERCENT: '20',
    });
    expect(config.stateTableName).toBe('state');
    expect(config.breaker).toMatchObject({ minimum: 5, percent: 20 });
    expect(() => readApplyConfig({ ...base, DELETE_BREAKER_PERCENT: '150' })).toThrow(
      /DELETE_BREAKER_PERCENT/,
    );
    expect(() => readApplyConfig({ ...base, CONTROL_TABLE_NAME: undefined })).toThrow(/CONTROL_TABLE_NAME/);
  });

  it('takes the file sink when the queue URL is empty, as serverless.yml leaves it locally', () => {
    expect(
      readApplyConfig({ ...base, DEAD_LETTER_QUEUE_URL: '', DEAD_LETTER_FILE: '/tmp/p.jsonl' }),
    ).toMatchObject({
      deadLetter: { kind: 'file', path: '/tmp/p.jsonl' },
    });
  });

  it('reads the share of the quotas to use and the replicator client, refusing a share that is not positive', () => {
    expect(readApplyConfig({ ...base, APPLY_QUOTA_SHARE: '0.8', REPLICATOR_CLIENT_ID: 'rep' })).toMatchObject(
      {
        quotaShare: 0.8,
        replicatorClientId: 'rep',
      },
    );
    expect(() => readApplyConfig({ ...base, APPLY_QUOTA_SHARE: '-1' })).toThrow(/APPLY_QUOTA_SHARE/);
  });

  it('runs without a sink', () => {
    expect(readApplyConfig(base).deadLetter).toEqual({ kind: 'none' });
  });

  it('names every missing variable', () => {
    expect(() => readApplyConfig({ AWS_REGION: 'x', TABLE_NAME: ' ', CREATE_MISSING: 'false' })).toThrow(
      new ConfigError('missing required environment variables: USER_POOL_ID, TABLE_NAME'),
    );
  });

  it('reads whether missing users are created, and refuses anything but true or false', () => {
    expect(readApplyConfig({ ...base, CREATE_MISSING: 'false' }).createMissing).toBe(false);
    expect(() => readApplyConfig({ ...base, CREATE_MISSING: 'yes' })).toThrow(
      new ConfigError('environment variable CREATE_MISSING must be true or false'),
    );
  });

  it('refuses two sinks at once', () => {
    expect(() => readApplyConfig({ ...base, DEAD_LETTER_QUEUE_URL: 'q', DEAD_LETTER_FILE: 'f' })).toThrow(
      ConfigError,
    );
  });
});
