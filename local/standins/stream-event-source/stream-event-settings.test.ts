import { join } from 'node:path';
import { readStreamEventSettings } from './stream-event-settings';

describe('readStreamEventSettings', () => {
  it('reads the replica stream event exactly as serverless.yml configures it for AWS', () => {
    const settings = readStreamEventSettings(
      join(__dirname, '../../../services/replica/serverless.yml'),
      'onUserRecordChange',
      { backupRegion: 'ap-northeast-1' },
    );
    expect(settings.functionResponseType).toBe('ReportBatchItemFailures');
    expect(settings.filterPatterns).toEqual([
      { dynamodb: { NewImage: { origin: { S: [{ 'anything-but': ['ap-northeast-1'] }] } } } },
    ]);
    expect(settings.bisectBatchOnFunctionError).toBe(true);
    expect(settings.batchSize).toBeGreaterThan(0);
    expect(settings.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
  });

  it('refuses a filter variable it was not given, rather than filtering on its name', () => {
    expect(() =>
      readStreamEventSettings(
        join(__dirname, '../../../services/primary/serverless.yml'),
        'onUserRecordChange',
      ),
    ).toThrow(/primaryRegion/);
  });

  it('names the function when it has no DynamoDB stream event', () => {
    expect(() =>
      readStreamEventSettings(
        join(__dirname, '../../../services/primary/serverless.yml'),
        'onPostConfirmation',
      ),
    ).toThrow(/onPostConfirmation has no DynamoDB stream event/);
  });
});
