// A region's own state table (key pk/sk, TTL on expiresAt; not replicated): where that region's functions and tools
// keep what is theirs alone (watermarks, leases and checkpoints, held deletions, password resets).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StateTable {
  table: DynamoDBDocumentClient;
  tableName: string;
}
