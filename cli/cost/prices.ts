// The list prices the cost model (model.ts) multiplies by, per region, each with the page it was read from and
// when. Prices change: `npm run cost` prints PRICED_ON, and docs/deploy.md's cost section says to check the pages.
// Only what a cognito-dr deployment is billed for is here; free dimensions (EventBridge rules matching AWS
// service events, scheduled rules, SNS topics, CloudTrail's first copy of management events) are named in
// FREE so the model can say why they cost nothing.

export const PRICED_ON = '2026-12-07';

export type Region = 'us-east-1' | 'ap-northeast-1';
export const REGIONS: readonly Region[] = ['us-east-1', 'ap-northeast-1'];

export interface RegionPrices {
  dynamodb: {
    /** On-demand, per million write request units (1 KB each). */
    writeMillion: number;
    /** On-demand, per million read request units (a strongly consistent read of 4 KB; eventually consistent: half). */
    readMillion: number;
    /** Global tables: per million replicated write request units, in the replica's region. */
    replicatedWriteMillion: number;
    /** Standard table class, per GB-month. */
    storageGbMonth: number;
    /** Continuous backups (point-in-time recovery), per GB-month of table and index data. */
    pitrGbMonth: number;
  };
  lambda: {
    requestMillion: number;
    /** arm64, first 7.5 billion GB-seconds a month. */
    arm64GbSecond: number;
    /** Provisioned concurrency, arm64: per GB-second provisioned, and per GB-second of duration on it. */
    arm64ProvisionedGbSecond: number;
    arm64ProvisionedDurationGbSecond: number;
  };
  cloudwatch: {
    /** Standard-resolution alarm, per metric it evaluates, per month. */
    alarmMetricMonth: number;
    /** Custom metric, first 10,000, per month (billed by the hour for hours with data). */
    metricMonth: number;
    /** Logs ingested (standard class), per GB. */
    logsIngestGb: number;
    /** Logs stored, per GB-month. */
    logsStorageGbMonth: number;
    /** Per dashboard and month (the first three of an account are free; not counted here). */
    dashboardMonth: number;
  };
  xray: { tracesRecordedMillion: number };
  secretsManager: { secretMonth: number; callsTenThousand: number };
  sqs: { requestMillion: number };
}

export interface PriceSource {
  what: string;
  url: string;
}

/** Where each group of prices was read; the pages render their tables per region. */
export const SOURCES: PriceSource[] = [
  {
    what: 'DynamoDB on-demand, global tables, storage, PITR',
    url: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  {
    what: 'Lambda requests, duration, provisioned concurrency',
    url: 'https://aws.amazon.com/lambda/pricing/',
  },
  { what: 'CloudWatch alarms, metrics, logs, dashboards', url: 'https://aws.amazon.com/cloudwatch/pricing/' },
  { what: 'X-Ray traces recorded', url: 'https://aws.amazon.com/xray/pricing/' },
  {
    what: 'Secrets Manager secrets (a replica is a secret) and API calls',
    url: 'https://aws.amazon.com/secrets-manager/pricing/',
  },
  { what: 'SQS requests', url: 'https://aws.amazon.com/sqs/pricing/' },
  { what: 'Cognito user pool MAU by feature plan', url: 'https://aws.amazon.com/cognito/pricing/' },
  {
    what: 'CSV user import does not count as MAU',
    url: 'https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-using-import-tool.html',
  },
  {
    what: "Lambda's X-Ray sampling (1 request a second and 5 % of the rest, not configurable)",
    url: 'https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html',
  },
  {
    what: 'EventBridge: events from AWS services are free',
    url: 'https://aws.amazon.com/pt/premiumsupport/knowledge-center/eventbridge-reduce-charges/',
  },
];

export const PRICES: Record<Region, RegionPrices> = {
  'us-east-1': {
    dynamodb: {
      writeMillion: 0.625,
      readMillion: 0.125,
      replicatedWriteMillion: 0.625,
      storageGbMonth: 0.25,
      pitrGbMonth: 0.2,
    },
    lambda: {
      requestMillion: 0.2,
      arm64GbSecond: 0.0000133334,
      arm64ProvisionedGbSecond: 0.0000033334,
      arm64ProvisionedDurationGbSecond: 0.0000077778,
    },
    cloudwatch: {
      alarmMetricMonth: 0.1,
      metricMonth: 0.3,
      logsIngestGb: 0.5,
      logsStorageGbMonth: 0.03,
      dashboardMonth: 3,
    },
    xray: { tracesRecordedMillion: 5 },
    secretsManager: { secretMonth: 0.4, callsTenThousand: 0.05 },
    sqs: { requestMillion: 0.4 },
  },
  'ap-northeast-1': {
    dynamodb: {
      writeMillion: 0.7135,
      readMillion: 0.1425,
      replicatedWriteMillion: 0.7135,
      storageGbMonth: 0.285,
      pitrGbMonth: 0.228,
    },
    lambda: {
      requestMillion: 0.2,
      arm64GbSecond: 0.0000133334,
      arm64ProvisionedGbSecond: 0.0000033334,
      arm64ProvisionedDurationGbSecond: 0.0000077778,
    },
    cloudwatch: {
      alarmMetricMonth: 0.1,
      metricMonth: 0.3,
      logsIngestGb: 0.76,
      logsStorageGbMonth: 0.033,
      dashboardMonth: 3,
    },
    xray: { tracesRecordedMillion: 5 },
    secretsManager: { secretMonth: 0.4, callsTenThousand: 0.05 },
    sqs: { requestMillion: 0.4 },
  },
};

export type Tier = 'LITE' | 'ESSENTIALS' | 'PLUS';
export const TIERS: readonly Tier[] = ['LITE', 'ESSENTIALS', 'PLUS'];

/** Price per MAU by band: users above `from` (and up to the next band's) pay `perMau`. Same in every region. */
export const COGNITO_MAU: Record<Tier, Array<{ from: number; perMau: number }>> = {
  // The first 10,000 MAU of an account are free on LITE and ESSENTIALS; PLUS has no free tier.
  LITE: [
    { from: 0, perMau: 0 },
    { from: 10_000, perMau: 0.0055 },
    { from: 100_000, perMau: 0.0046 },
    { from: 1_000_000, perMau: 0.00325 },
    { from: 10_000_000, perMau: 0.0025 },
  ],
  ESSENTIALS: [
    { from: 0, perMau: 0 },
    { from: 10_000, perMau: 0.015 },
  ],
  PLUS: [{ from: 0, perMau: 0.02 }],
};

/** What a deployment uses that is not billed, and why, so the model can say so instead of leaving it out. */
export const FREE: Array<{ component: string; why: string }> = [
  {
    component: 'EventBridge rules (CloudTrail events, schedules)',
    why: 'events from AWS services and scheduled rules are not charged',
  },
  {
    component: 'DynamoDB Streams',
    why: 'reads by Lambda event source mappings and by global tables are free',
  },
  {
    component: 'CloudTrail',
    why: "the first copy of management events is free (the account's existing trail)",
  },
  { component: 'KMS', why: 'the tables and queues use AWS managed keys; no customer key to pay for' },
  {
    component: 'SNS alarm topics, SQS queues at rest',
    why: 'billed per message; alarms and failures are rare',
  },
];
