// Reads a table's definition from a service's own CloudFormation resource, so the local tables are created from
// the same definition AWS deploys instead of a second hand-written copy.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { readServerlessYml } from '../lib/cloudformation-yaml';

interface ServerlessConfig {
  custom?: Record<string, unknown>;
  resources?: { Resources?: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

export interface LocalTableDefinition {
  create: CreateTableCommandInput;
  ttlAttribute: string | null;
}

/**
 * The table of resource `logicalId` (a GlobalTable or a Table), named by the serverless.yml `custom.<nameKey>`
 * template resolved for `stage`.
 */
export const readTableDefinition = (
  serverlessYmlPath: string,
  stage: string,
  logicalId: string,
  nameKey: string,
): LocalTableDefinition => {
  const config = readServerlessYml<ServerlessConfig>(serverlessYmlPath);
  const table = config.resources?.Resources?.[logicalId];
  if (!table?.Type.startsWith('AWS::DynamoDB::')) {
    throw new Error(`${serverlessYmlPath} declares no DynamoDB table ${logicalId}`);
  }
  const p = table.Properties as {
    AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
    KeySchema: CreateTableCommandInput['KeySchema'];
    GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
    StreamSpecification?: { StreamViewType: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY' };
    TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  };
  const tableName = resolveTableName(config, nameKey, stage);
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

/** The name is a plain template over ${sls:stage}; anything richer is refused rather than guessed. */
const resolveTableName = (config: ServerlessConfig, nameKey: string, stage: string): string => {
  const template = config.custom?.[nameKey];
  if (typeof template !== 'string') throw new Error(`serverless.yml has no custom.${nameKey}`);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this is the serverless variable being resolved
  const name = template.replaceAll('${sls:stage}', stage);
  if (name.includes('${'))
    throw new Error(`cannot resolve custom.${nameKey} "${template}" for the local stack`);
  return name;
};
