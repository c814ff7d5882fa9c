// The shape of .local/stack.json: the local stack's public contract, written by local/stack and read by the CLI, the
// tests and the benches. Tools outside the repo drive the stack through it with the plain AWS SDK and HTTP, so keys
// are only ever added, never renamed or removed.
import { readFileSync } from 'node:fs';

export interface StackRegion {
  region: string;
  cognitoEndpoint: string;
  userPoolId: string;
  clientId: string;
  dynamodbEndpoint: string;
  /** The users table (a global table: the same name in both regions). */
  tableName: string;
  /** The control table (global: region roles). */
  controlTableName: string;
  /** This region's own state table (leases, checkpoints, held deletions); not replicated. */
  stateTableName: string;
  /** The backup pool's replicator app client (it has a secret; read it with DescribeUserPoolClient). */
  replicatorClientId?: string;
  /**
   * Where DynamoDB's point-in-time recovery of the users table answers (DescribeContinuousBackups,
   * RestoreTableToPointInTime); every other DynamoDB call goes to dynamodbEndpoint. Absent in older files.
   */
  pointInTimeEndpoint?: string;
}

export interface StackInfo {
  /**
   * Which pools the stack runs (local/stack/shapes.ts): `username` (cognito-dr's own pool pair), `email` or `phone`
   * (a pool whose users sign in with their email or phone number, and a backup pool created with only its username
   * attributes and custom:source_sub). Absent in files written before shapes existed: `username`.
   */
  shape?: 'username' | 'email' | 'phone';
  primary: StackRegion;
  backup: StackRegion;
  api: { baseUrl: string };
  admin: { username: string; password: string; group: string };
  /** serverless-offline Lambda endpoints (the AWS Lambda Invoke API) and the functions behind them. */
  lambda: {
    primaryEndpoint: string;
    replicaEndpoint: string;
    functions: { onPostConfirmation: string; onCognitoApiCall: string; onUserRecordChange: string };
  };
  /** Where records that could not be applied end up (JSON lines). */
  deadLetters: {
    /** Batches the local event source mapping gave up on (the SQS on-failure destination in AWS). */
    replicaFailureDestination: string;
    /** Records the replica function parked as never applicable (the same SQS queue in AWS). */
    replicaParked: string;
    /** The same two for the primary region's consumer, which applies the backup's records after a failover. */
    primaryFailureDestination: string;
    primaryParked: string;
  };
  /**
   * Control endpoint of the proxy between the replica function and the backup pool:
   * `PUT {"throttleRate": 0.3}` makes 30 % of the replica's Cognito calls fail with TooManyRequestsException,
   * `{"latencyMs": 50}` adds 50 ms to each, `{"quotaScale": 0.2}` enforces 20 % of Cognito's per-category quotas
   * (`null`: none). GET shows the settings and the calls counted per operation.
   */
  faultInjection: {
    backupCognito: string;
    /**
     * The CloudTrail stand-in in front of the primary pool: `PUT {"recording": false}` loses the out-of-band
     * capture events of every call until `{"recording": true}`, as a missing trail would. GET shows counts.
     */
    cloudTrail: string;
    /** The same for the backup pool, whose capture runs while the backup region is active. */
    backupCloudTrail: string;
  };
  /**
   * A regional outage on demand: `PUT {"available": false}` makes that region's Cognito endpoint, DynamoDB endpoint
   * and admin API unreachable to everyone (clients, functions, the global-table stand-in, whose copies wait);
   * `{"available": true}` restores it. `GET` answers `{"available": true|false}`.
   */
  control: { primary: string; backup: string };
  /**
   * LOCAL ONLY: each region's outbox of emails and SMS (JSON lines: username, destination, code), standing in for
   * users' inboxes, so a code can be read as a user would; a standby pool's outbox stays empty.
   */
  mailbox: { primary: string; backup: string };
  /** Local credentials every client must use: DynamoDB Local keeps one database per access key + region. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  logs: string;
  replicationDelayMs: number;
}

/** One line of a region's outbox (`mailbox` in stack.json): an email or SMS the local pool sent. */
export interface DeliveredMessage {
  at: string;
  username: string;
  /** Where it went: the address or number. */
  destination: string;
  medium: 'email' | 'sms';
  code?: string;
}

/** Every message delivered into an outbox file so far (none when nothing was ever sent). */
export function readMailbox(file: string): DeliveredMessage[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DeliveredMessage);
}
