// Reads the replication table's definition from the primary service's own CloudFormation resource, so the local
// tables are created from the same definition AWS deploys instead of a second hand-written copy.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { readServerlessYml } from '../lib/cloudformation-yaml';

interface ServerlessConfig {
  custom?: { tableName?: string };
  resources?: { Resources?: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

export interface LocalTableDefinition {
  create: CreateTableCommandInput;
  ttlAttribute: string | null;
}

export const readTableDefinition = (serverlessYmlPath: string, stage: string): LocalTableDefinition => {
  const config = readServerlessYml<ServerlessConfig>(serverlessYmlPath);
  const resources = Object.values(config.resources?.Resources ?? {});
  const table = resources.find((r) => r.Type === 'AWS::DynamoDB::GlobalTable');
  if (!table) throw new Error(`${serverlessYmlPath} declares no AWS::DynamoDB::GlobalTable`);
  const p = table.Properties as {
    AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
    KeySchema: CreateTableCommandInput['KeySchema'];
    GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
    StreamSpecification?: { StreamViewType: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY' };
    TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  };
  const tableName = resolveTableName(config, stage);
  return {
    create: {
      TableName: tableName,
      AttributeDefinitions: p.AttributeDefinitions,
      KeySchema: p.KeySchema,
      ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
      BillingMode: 'PAY_PER_REQUEST',
      ...(p.StreamSpecification
        ? {
            StreamSpecification: {
              StreamEnabled: true,
              StreamViewType: p.StreamSpecification.StreamViewType,
            },
          }
        : {}),
    },
    ttlAttribute: p.TimeToLiveSpecification?.Enabled ? p.TimeToLiveSpecification.AttributeName : null,
  };
};

/** custom.tableName is a plain template over ${sls:stage}; anything richer is refused rather than guessed. */
const resolveTableName = (config: ServerlessConfig, stage: string): string => {
  const template = config.custom?.tableName;
  if (!template) throw new Error('serverless.yml has no custom.tableName');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this is the serverless variable being resolved
  const name = template.replaceAll('${sls:stage}', stage);
  if (name.includes('${'))
    throw new Error(`cannot resolve custom.tableName "${template}" for the local stack`);
  return name;
};
