// Reads the whole replication table at once (Scan, page after page), parsed, for `status` and `verify`.
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { recordFromItem, type UserRecord } from '@cognito-dr/shared';

export interface AllRecords {
  /** Every valid record (tombstones included), by username. */
  records: Map<string, UserRecord>;
  /** Items that are not records this code can read (malformed, or of a newer schema). */
  unreadable: number;
}

export async function readAllRecords(table: DynamoDBDocumentClient, tableName: string): Promise<AllRecords> {
  const records = new Map<string, UserRecord>();
  let unreadable = 0;
  // Strongly consistent: a record written a moment ago must not look absent.
  for await (const page of paginateScan({ client: table }, { TableName: tableName, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      try {
        const record = recordFromItem(item);
        records.set(record.username, record);
      } catch {
        unreadable += 1;
      }
    }
  }
  return { records, unreadable };
}
