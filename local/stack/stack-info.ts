// The shape of .local/stack.json: the local stack's public contract. Tools and tests outside the repo drive the
// stack through it with the plain AWS SDK and HTTP, so keys are only ever added, never renamed or removed.
export interface RegionInfo {
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
}

export interface StackInfo {
  primary: RegionInfo;
  backup: RegionInfo;
  api: { baseUrl: string };
  admin: { username: string; password: string; group: string };
  /** serverless-offline Lambda endpoints (the AWS Lambda Invoke API) and the functions behind them. */
  lambda: {
    primaryEndpoint: string;
    replicaEndpoint: string;
    functions: { onPostConfirmation: string; onUserRecordChange: string };
  };
  /** Where records that could not be applied end up (JSON lines). */
  deadLetters: {
    /** Batches the local event source mapping gave up on (the SQS on-failure destination in AWS). */
    replicaFailureDestination: string;
    /** Records the replica function parked as never applicable (the same SQS queue in AWS). */
    replicaParked: string;
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
  };
  /** Local credentials every client must use: DynamoDB Local keeps one database per access key + region. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  logs: string;
  replicationDelayMs: number;
}
