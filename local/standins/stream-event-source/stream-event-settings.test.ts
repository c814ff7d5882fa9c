import { join } from 'node:path';
import { readStreamEventSettings } from './stream-event-settings';

describe('readStreamEventSettings', () => {
  it('reads the replica stream event exactly as serverless.yml configures it for AWS', () => {
    const settings = readStreamEventSettings(
      join(__dirname, '../../../services/replica/serverless.yml'),
      'onUserRecordChange',
    );
    expect(settings.functionResponseType).toBe('ReportBatchItemFailures');
    expect(settings.bisectBatchOnFunctionError).toBe(true);
    expect(settings.batchSize).toBeGreaterThan(0);
    expect(settings.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
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
