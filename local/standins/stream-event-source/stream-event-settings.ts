// Reads a function's DynamoDB stream event settings from its serverless.yml, so the local event source mapping
// batches, retries and bisects exactly as the deployed one is configured to.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
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
  // CloudFormation tags (!GetAtt …) only appear in values this reader does not use; keep them as plain data.
  const config = parse(readFileSync(serverlessYmlPath, 'utf8'), {
    customTags: ['Ref', 'GetAtt', 'Sub', 'Join', 'ImportValue'].map((t) => ({
      tag: `!${t}`,
      resolve: (v: unknown) => v,
    })),
  }) as { functions?: Record<string, { events?: StreamEvent[] }> };
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
