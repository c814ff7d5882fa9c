// Reads a function's DynamoDB stream event settings from its serverless.yml, so the local event source mapping
// batches, retries and bisects exactly as the deployed one is configured to.
import { readServerlessYml } from '../../lib/cloudformation-yaml';
import type { EventSourceSettings } from './deliver-batch';

interface StreamEvent {
  stream?: {
    type?: string;
    batchSize?: number;
    functionResponseType?: string;
    bisectBatchOnFunctionError?: boolean;
    maximumRetryAttempts?: number;
  };
}

export const readStreamEventSettings = (
  serverlessYmlPath: string,
  functionKey: string,
): EventSourceSettings & { batchSize: number } => {
  const config = readServerlessYml<{ functions?: Record<string, { events?: StreamEvent[] }> }>(
    serverlessYmlPath,
  );
  const stream = config.functions?.[functionKey]?.events?.find((e) => e.stream?.type === 'dynamodb')?.stream;
  if (!stream) throw new Error(`${serverlessYmlPath}: function ${functionKey} has no DynamoDB stream event`);
  return {
    batchSize: stream.batchSize ?? 100,
    functionResponseType:
      stream.functionResponseType === 'ReportBatchItemFailures' ? 'ReportBatchItemFailures' : null,
    bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError ?? false,
    maximumRetryAttempts: stream.maximumRetryAttempts ?? -1,
  };
};
