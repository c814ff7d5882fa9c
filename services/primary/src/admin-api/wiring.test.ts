import { BackupPoolNotConfiguredError, backupPool } from './wiring';

describe('backupPool', () => {
  it('answers "not configured" before the backup pool id is known, so GET reports presence as unknown', async () => {
    await expect(backupPool({ BACKUP_REGION: 'ap-northeast-1' }).hasUser('alice')).rejects.toBeInstanceOf(
      BackupPoolNotConfiguredError,
    );
  });

  it('asks the configured backup pool once its id is known', () => {
    expect(() =>
      backupPool({ BACKUP_USER_POOL_ID: 'ap-northeast-1_abc', BACKUP_REGION: 'ap-northeast-1' }),
    ).not.toThrow();
  });
});
