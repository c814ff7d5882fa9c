// Reads a function's DynamoDB stream event settings from its serverless.yml, so the local event source mapping
// batches, retries and bisects exactly as the deployed one is configured to.
import { readServerlessYml } from '../../lib/cloudformation-yaml';
import type { EventSourceSettings } from './deliver-batch';
import type { FilterPattern } from './event-filter';

interface StreamEvent {
  stream?: {
    type?: string;
    batchSize?: number;
    functionResponseType?: string;
    bisectBatchOnFunctionError?: boolean;
    maximumRetryAttempts?: number;
    filterPatterns?: FilterPattern[];
  };
}

/**
 * `params` resolves the `${param:NAME}` variables the filter patterns use (serverless resolves them at deploy).
 */
export const readStreamEventSettings = (
  serverlessYmlPath: string,
  functionKey: string,
  params: Record<string, string> = {},
): EventSourceSettings & { batchSize: number; filterPatterns: FilterPattern[] } => {
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
    filterPatterns: resolveParams(stream.filterPatterns ?? [], params),
  };
};

const resolveParams = (patterns: FilterPattern[], params: Record<string, string>): FilterPattern[] =>
  JSON.parse(
    JSON.stringify(patterns).replace(/\$\{param:([A-Za-z0-9]+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`filterPatterns use \${param:${name}}, which is not given`);
      return value;
    }),
  );
