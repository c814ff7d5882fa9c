// Step 1: DynamoDB Local with every table of both regions, each defined by its service's own CloudFormation
// resource: the global tables (users, control) in both regions, each service's state table in its own region.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { assertJavaAvailable, dynamoDbLocalSpec } from '../../emulators/dynamodb-local';
import { localClientConfig } from '../../lib/local-aws';
import { waitFor } from '../../lib/wait-for';
import { type LocalTableDefinition, readTableDefinition } from '../table-definition';
import {
  BACKUP_REGION,
  PRIMARY_REGION,
  READY_TIMEOUT_MS,
  STAGE,
  type StepContext,
  serviceYml,
  started,
  url,
} from './context';

export interface Tables {
  /** DynamoDB Local itself (both regions; the gates in front of it are the regions' endpoints). */
  endpoint: string;
  tableName: string;
  controlTableName: string;
  stateTableName: Record<string, string>;
}

export const startDynamoDb = async (ctx: StepContext): Promise<Tables> => {
  const { root, dataDir } = ctx.opts;
  assertJavaAvailable();
  const endpoint = url(ctx.ports.dynamodb);
  const dbPath = join(dataDir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true });
  const dynamo = ctx.supervisor.start(dynamoDbLocalSpec({ port: ctx.ports.dynamodb, dbPath }));
  const clients = {
    [PRIMARY_REGION]: new DynamoDBClient(localClientConfig(PRIMARY_REGION, endpoint)),
    [BACKUP_REGION]: new DynamoDBClient(localClientConfig(BACKUP_REGION, endpoint)),
  };
  await waitFor(async () => (await clients[PRIMARY_REGION]?.send(new ListTablesCommand({}))) && true, {
    what: 'DynamoDB Local',
    timeoutMs: READY_TIMEOUT_MS,
    ...started(ctx, dynamo),
  });
  const table = readTableDefinition(serviceYml(root, 'primary'), STAGE, 'ReplicationTable', 'tableName');
  const controlTable = readTableDefinition(
    serviceYml(root, 'primary'),
    STAGE,
    'ControlTable',
    'controlTableName',
  );
  const stateTables: Record<string, LocalTableDefinition> = {
    [PRIMARY_REGION]: readTableDefinition(serviceYml(root, 'primary'), STAGE, 'StateTable', 'stateTableName'),
    [BACKUP_REGION]: readTableDefinition(serviceYml(root, 'replica'), STAGE, 'StateTable', 'stateTableName'),
  };
  for (const [region, client] of Object.entries(clients)) {
    for (const definition of [table, controlTable, stateTables[region]]) {
      if (definition) await ensureTable(client, definition);
    }
  }
  ctx.opts.progress(
    `DynamoDB Local on ${endpoint}, tables ${table.create.TableName}, ${controlTable.create.TableName} ` +
      `in ${PRIMARY_REGION} and ${BACKUP_REGION}, a state table in each`,
  );
  return {
    endpoint,
    tableName: table.create.TableName ?? '',
    controlTableName: controlTable.create.TableName ?? '',
    stateTableName: Object.fromEntries(
      Object.entries(stateTables).map(([region, t]) => [region, t.create.TableName ?? '']),
    ),
  };
};

const ensureTable = async (client: DynamoDBClient, table: LocalTableDefinition) => {
  const TableName = table.create.TableName;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    // A table kept from an older stack may lack an index the definition has gained since.
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of table.create.GlobalSecondaryIndexes ?? []) {
      if (present.has(index.IndexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: table.create.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
    return;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
  }
  await client.send(new CreateTableCommand(table.create));
  if (table.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  }
};
