// Reads the replication table page by page (Scan), from the start or from the last record a run handled.
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { recordFromItem, TABLE_KEY, type UserRecord } from '@cognito-dr/shared';

/** Small enough that a page is handled in seconds, so a stop never waits long for a page to finish. */
const SCAN_PAGE_SIZE = 200;

/**
 * Pages of raw items (parsing is the caller's, so one malformed item is one failure, not a failed page).
 * `startKey` may be the key of any item: the scan continues right after it, which is how a run resumes.
 */
export async function* scanItemPages(
  table: DynamoDBDocumentClient,
  tableName: string,
  startKey?: Record<string, unknown>,
): AsyncGenerator<Record<string, unknown>[]> {
  let exclusiveStartKey = startKey;
  do {
    const page = await table.send(
      new ScanCommand({
        TableName: tableName,
        Limit: SCAN_PAGE_SIZE,
        ExclusiveStartKey: exclusiveStartKey,
        // Strongly consistent: a record written a moment ago by the pool phase must not look absent here.
        ConsistentRead: true,
      }),
    );
    yield (page.Items ?? []) as Record<string, unknown>[];
    exclusiveStartKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (exclusiveStartKey);
}

/** The table key of an item, as ExclusiveStartKey wants it. */
export const keyOf = (item: Record<string, unknown>): Record<string, unknown> => ({
  [TABLE_KEY]: item[TABLE_KEY],
});

export interface AllRecords {
  /** Every valid record (tombstones included), by username. */
  records: Map<string, UserRecord>;
  /** Items that are not records this code can read (malformed, or of a newer schema). */
  unreadable: number;
}

/** The whole table, parsed. For `status` and `verify`, which need every record at once. */
export async function readAllRecords(table: DynamoDBDocumentClient, tableName: string): Promise<AllRecords> {
  const records = new Map<string, UserRecord>();
  let unreadable = 0;
  for await (const items of scanItemPages(table, tableName)) {
    for (const item of items) {
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
