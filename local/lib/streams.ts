// Looks up a table's current stream, which changes whenever the local table is recreated.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const latestStreamArn = async (client: DynamoDBClient, tableName: string): Promise<string> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream enabled`);
  return Table.LatestStreamArn;
};
