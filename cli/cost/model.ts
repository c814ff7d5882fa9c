// The monthly cost of a cognito-dr deployment, per component and region, from a workload (Scenario), what the stacks
// deploy (deployment.ts) and the price table (prices.ts). Each line keeps the quantity it was priced from, so the
// report shows how every figure arises; the workload's assumptions (durations, log volume, what each change sets
// off) are named where they are used, from reading the code each line prices.
import { QUOTA_CATEGORIES } from '@cognito-dr/shared';
import { DEPLOYED, type Service, type ServiceInventory } from './deployment';
import { COGNITO_MAU, PRICES, type Region, type RegionPrices, TIERS, type Tier } from './prices';

export interface Scenario {
  /** Users in the primary pool. */
  users: number;
  /** Changes to users in the primary pool a month: sign-ups, edits, enable/disable, group changes, deletions. */
  changesPerMonth: number;
  /** Of those, sign-ups (each a new user in both pools). */
  signUpsPerMonth: number;
  /** Distinct users changed in a month: the backup pool's monthly active users. */
  changedUsersPerMonth: number;
  /** The primary pool's monthly active users (the application's). */
  activeUsers: number;
  /** Password sign-ins a month (each runs the primary's PreAuthentication and PostAuthentication triggers). */
  signInsPerMonth: number;
  groupMemberships: number;
  /** Size of a user's record in the table. */
  recordKb: number;
  primaryRegion: Region;
  backupRegion: Region;
  primaryTier: Tier;
  backupTier: Tier;
  /** Reconcile passes that read every record (the rest read the records of recently modified users only). */
  fullReconcilesPerDay: number;
  /** The month of the backfill (or of rebuilding the backup pool): every user is written there once. */
  backfill: boolean;
  /** Instances of the backup pool's PreSignUp and PostConfirmation triggers kept initialized (0: none). */
  provisionedTriggerInstances: number;
}

/** The workload a size implies, unless told otherwise (the defaults docs/deploy.md's table states). */
export const scenarioFor = (given: Partial<Scenario> & Pick<Scenario, 'users'>): Scenario => {
  const changesPerMonth = given.changesPerMonth ?? given.users * 2;
  const activeUsers = given.activeUsers ?? given.users;
  return {
    changesPerMonth,
    signUpsPerMonth: Math.round(changesPerMonth * 0.1),
    changedUsersPerMonth: Math.min(given.users, Math.round(changesPerMonth / 2)),
    activeUsers,
    signInsPerMonth: activeUsers * 4,
    groupMemberships: Math.round(given.users * 0.2),
    recordKb: 1,
    primaryRegion: 'us-east-1',
    backupRegion: 'ap-northeast-1',
    primaryTier: 'LITE',
    backupTier: 'LITE',
    fullReconcilesPerDay: 1,
    backfill: false,
    provisionedTriggerInstances: 0,
    ...given,
  };
};

export interface CostLine {
  region: Region;
  service: 'DynamoDB' | 'Lambda' | 'CloudWatch' | 'X-Ray' | 'Secrets Manager';
  item: string;
  /** How the figure was counted, e.g. "2,000,000 writes × 1 WRU". */
  quantity: string;
  usd: number;
}

export interface CognitoCost {
  pool: 'primary' | 'backup';
  mau: number;
  byTier: Record<Tier, number>;
  chosen: Tier;
}

export interface Estimate {
  scenario: Scenario;
  lines: CostLine[];
  infrastructureUsd: number;
  byService: Record<CostLine['service'], number>;
  cognito: CognitoCost[];
}

const MONTH_SECONDS = 30 * 24 * 3600;
const MONTH_HOURS = 30 * 24;
const DAYS = 30;
/** ListUsers and ListUsersInGroup return 60 users a page. */
const PAGE = 60;
/** The scheduled runs' UserList budget: half of the category's default quota of 30 requests a second. */
const USER_LIST_RPS = 15;
/** Records read by an incremental reconcile: users the pool shows modified in the last this many hours. */
export const INCREMENTAL_WINDOW_HOURS = 6;
/** Each listed user costs the run six bytes of checkpoint in the state table (reconcile/src/refs.ts). */
const REF_BYTES = 6;
/** Checkpoints are written in transactions with the run's lease condition: two write units per KB. */
const CHECKPOINT_WRU_PER_KB = 2;
/** Lambda's X-Ray sampling: the first request each second, then 5 % (not configurable for Lambda). */
const XRAY_RESERVOIR_PER_MONTH = MONTH_SECONDS;
const XRAY_RATE = 0.05;
/** START, END and REPORT lines Lambda writes for every invocation. */
const PLATFORM_LOG_KB = 0.3;
/** Share of invocations that start an instance (each reads the user-reference key once). */
const COLD_START_SHARE = 0.01;

/** What one function does in a month: invocations, average duration, and log volume besides Lambda's own lines. */
interface Usage {
  invocations: number;
  averageMs: number;
  logKbPerInvocation: number;
  why: string;
}

const GB_PER_KB = 1 / (1024 * 1024);

/** Per function of each service: its share of the workload (a function missing here fails the tests). */
export const usageOf = (s: Scenario): Record<Service, Record<string, Usage>> => {
  const otherChanges = Math.max(0, s.changesPerMonth - s.signUpsPerMonth);
  const newBackupUsers = s.signUpsPerMonth + (s.backfill ? s.users : 0);
  const applied = s.changesPerMonth + (s.backfill ? s.users : 0);
  const reconcile = reconcileRuns(s, 'reconcile');
  const repair = reconcileRuns(s, 'repair');
  const idle = (why: string): Usage => ({ invocations: 0, averageMs: 0, logKbPerInvocation: 0, why });
  const heartbeat: Usage = {
    invocations: MONTH_SECONDS / 60,
    averageMs: 50,
    logKbPerInvocation: 0.5,
    why: 'once a minute',
  };
  return {
    primary: {
      onPreSignUp: {
        invocations: s.signUpsPerMonth,
        averageMs: 40,
        logKbPerInvocation: 0.3,
        why: 'each sign-up',
      },
      onCustomMessage: {
        invocations: s.signUpsPerMonth,
        averageMs: 40,
        logKbPerInvocation: 0,
        why: "each sign-up's verification code",
      },
      onPostConfirmation: {
        invocations: s.signUpsPerMonth,
        averageMs: 150,
        logKbPerInvocation: 0.8,
        why: 'each confirmation: the capture',
      },
      onPostAuthentication: {
        invocations: s.signInsPerMonth,
        averageMs: 30,
        logKbPerInvocation: 0,
        why: 'each password sign-in (users born in the pool: no read)',
      },
      onPreAuthentication: {
        invocations: s.signInsPerMonth,
        averageMs: 20,
        logKbPerInvocation: 0,
        why: 'each password sign-in (reads the cached region roles)',
      },
      onUserMigration: idle('only sign-ins of users the pool lacks (after a failback)'),
      onCognitoApiCall: {
        invocations: s.signUpsPerMonth + otherChanges,
        averageMs: 120,
        logKbPerInvocation: 0.8,
        why: 'each ConfirmSignUp and user-changing call CloudTrail records',
      },
      onUserRecordChange: idle('the stream filter drops the records this region wrote'),
      onRolesHeartbeat: heartbeat,
      onReconcileSchedule: {
        invocations: reconcile.invocations,
        averageMs: reconcile.secondsPerInvocation * 1000,
        logKbPerInvocation: 20,
        why: `${reconcile.passes} passes, each listing the pool at ${USER_LIST_RPS} UserList calls a second`,
      },
      onAdoptedPool: idle('once per deploy (adopt mode)'),
      adminCreateUser: idle('operators only'),
      adminGetUser: idle('operators only'),
      adminUpdateUser: idle('operators only'),
      adminDeleteUser: idle('operators only'),
      adminDisableUser: idle('operators only'),
      adminEnableUser: idle('operators only'),
      adminAddUserToGroup: idle('operators only'),
      adminRemoveUserFromGroup: idle('operators only'),
    },
    replica: {
      onUserRecordChange: {
        invocations: applied,
        averageMs: 250,
        logKbPerInvocation: 1.5,
        why: 'a batch per change at most (busy shards batch more)',
      },
      onPreSignUp: {
        invocations: newBackupUsers,
        averageMs: 40,
        logKbPerInvocation: 0,
        why: 'each backup user created (one SignUp)',
      },
      onPostConfirmation: {
        invocations: newBackupUsers,
        averageMs: 40,
        logKbPerInvocation: 0.4,
        why: 'each backup user created (standby: returns at once)',
      },
      onCognitoApiCall: {
        invocations: otherChanges,
        averageMs: 30,
        logKbPerInvocation: 0.4,
        why: "the replica's own calls, recorded by CloudTrail and ignored on standby",
      },
      onCustomMessage: idle('a standby pool sends nothing'),
      onPreAuthentication: idle('a standby pool signs nobody in (but migration checks after a failback)'),
      onRepairSchedule: {
        invocations: repair.invocations,
        averageMs: repair.secondsPerInvocation * 1000,
        logKbPerInvocation: 20,
        why: `${repair.passes} passes, each listing the backup pool`,
      },
      onRolesHeartbeat: heartbeat,
      backupStreamLookup: idle('once per deploy'),
      onConfigurationCheck: {
        invocations: MONTH_SECONDS / 3600,
        // Both pools' configurations read (pool, clients, groups, providers), across regions for the primary's.
        averageMs: 3000,
        logKbPerInvocation: 1,
        why: "hourly: the pools' configurations compared",
      },
    },
  };
};

/** Runs a month, invocations (15-minute Lambdas continue themselves) and seconds each, from the listing's pace. */
const reconcileRuns = (s: Scenario, job: 'reconcile' | 'repair') => {
  const perDay = runsPerDay(job === 'reconcile' ? 'primary' : 'replica', job);
  const passes = perDay * DAYS;
  const full = job === 'repair' ? passes : Math.min(passes, s.fullReconcilesPerDay * DAYS);
  // A full pass also lists every group's members; an incremental one lists users only.
  const fullSeconds = (s.users + s.groupMemberships) / PAGE / USER_LIST_RPS;
  const incrementalSeconds = s.users / PAGE / USER_LIST_RPS;
  const seconds = full * fullSeconds + (passes - full) * incrementalSeconds;
  const invocationsPerPass = Math.max(1, Math.ceil(fullSeconds / 840));
  const invocations = passes * invocationsPerPass;
  return { passes, full, invocations, secondsPerInvocation: invocations > 0 ? seconds / invocations : 0 };
};

/** How often the stack's schedule starts a job, from the inventory. */
const runsPerDay = (service: Service, job: 'reconcile' | 'repair'): number => {
  const key = job === 'reconcile' ? 'onReconcileSchedule' : 'onRepairSchedule';
  return DEPLOYED[service].schedules[key] ?? 0;
};

const roundCents = (usd: number) => Math.round(usd * 100) / 100;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export const estimate = (s: Scenario, deployed: Record<Service, ServiceInventory> = DEPLOYED): Estimate => {
  const lines: CostLine[] = [];
  const add = (line: CostLine) => lines.push({ ...line, usd: roundCents(line.usd) });
  const regionOf: Record<Service, Region> = { primary: s.primaryRegion, replica: s.backupRegion };
  const price = (region: Region): RegionPrices => PRICES[region];
  const p = price(s.primaryRegion);
  const b = price(s.backupRegion);
  const wru = Math.ceil(s.recordKb);

  // ---- DynamoDB ------------------------------------------------------------------------------------------------
  const otherChanges = Math.max(0, s.changesPerMonth - s.signUpsPerMonth);
  const recordWrites = s.changesPerMonth + (s.backfill ? s.users : 0);
  // Both indexes (bySub, byUsernameLower) are written when a user's record is created.
  const indexWrites = 2 * (s.signUpsPerMonth + (s.backfill ? s.users : 0));
  add({
    region: s.primaryRegion,
    service: 'DynamoDB',
    item: 'record writes (captures, reconcile) and their index entries',
    quantity: `${fmt(recordWrites)} × ${wru} WRU + ${fmt(indexWrites)} index writes`,
    usd: ((recordWrites * wru + indexWrites) / 1e6) * p.dynamodb.writeMillion,
  });
  // Every capture reads the record (strongly consistent, 1 RRU) before its conditional write; CloudTrail's capture
  // finds the user by sub in an index first (eventually consistent, half a unit). A sign-up is captured twice (the
  // PostConfirmation trigger, then CloudTrail's ConfirmSignUp), any other change once, by CloudTrail.
  const captureReads = s.signUpsPerMonth * (1 + 1.5) + otherChanges * 1.5;
  add({
    region: s.primaryRegion,
    service: 'DynamoDB',
    item: 'capture reads',
    quantity: `${fmt(captureReads)} RRU`,
    usd: (captureReads / 1e6) * p.dynamodb.readMillion,
  });
  add({
    region: s.backupRegion,
    service: 'DynamoDB',
    item: 'replicated writes (global table) and index entries',
    quantity: `${fmt(recordWrites)} × ${wru} rWRU + ${fmt(indexWrites)} index writes`,
    usd:
      ((recordWrites * wru) / 1e6) * b.dynamodb.replicatedWriteMillion +
      (indexWrites / 1e6) * b.dynamodb.writeMillion,
  });
  // The consumer reads each changed user's record (strongly consistent), notes each created user's own sub and
  // moves its watermark at most every 5 s.
  const newBackupUsers = s.signUpsPerMonth + (s.backfill ? s.users : 0);
  const watermarkWrites = Math.min(recordWrites, MONTH_SECONDS / 5);
  add({
    region: s.backupRegion,
    service: 'DynamoDB',
    item: "stream consumer: record reads, created users' subs, watermark",
    quantity: `${fmt(recordWrites)} RRU + ${fmt(newBackupUsers + watermarkWrites)} WRU`,
    usd:
      (recordWrites / 1e6) * b.dynamodb.readMillion +
      ((newBackupUsers + watermarkWrites) / 1e6) * b.dynamodb.writeMillion,
  });
  // Reconcile and repair: eventually consistent reads (half a unit); a Scan is charged per 4 KB read, a BatchGetItem
  // per item. Full passes read every record and scan the table; incremental ones read only the records of users the
  // pool shows modified within INCREMENTAL_WINDOW_HOURS, and skip the scan.
  const reconcile = reconcileRuns(s, 'reconcile');
  const scanUnits = (s.users * s.recordKb) / 4 / 2;
  const recentlyModified = Math.min(s.users, (s.changesPerMonth / MONTH_HOURS) * INCREMENTAL_WINDOW_HOURS);
  const reconcileReads =
    reconcile.full * (s.users / 2 + scanUnits) + (reconcile.passes - reconcile.full) * (recentlyModified / 2);
  const checkpointWrites =
    reconcile.full * CHECKPOINT_WRU_PER_KB * Math.ceil(((s.users + s.groupMemberships) * REF_BYTES) / 1024);
  add({
    region: s.primaryRegion,
    service: 'DynamoDB',
    item: `reconcile: ${reconcile.full} full and ${reconcile.passes - reconcile.full} incremental passes`,
    quantity: `${fmt(reconcileReads)} RRU + ${fmt(checkpointWrites)} checkpoint WRU`,
    usd: (reconcileReads / 1e6) * p.dynamodb.readMillion + (checkpointWrites / 1e6) * p.dynamodb.writeMillion,
  });
  const repair = reconcileRuns(s, 'repair');
  const repairReads = repair.passes * (s.users / 2 + scanUnits);
  const repairCheckpoints =
    repair.passes * CHECKPOINT_WRU_PER_KB * Math.ceil(((s.users + s.groupMemberships) * REF_BYTES) / 1024);
  add({
    region: s.backupRegion,
    service: 'DynamoDB',
    item: `repair: ${repair.passes} passes`,
    quantity: `${fmt(repairReads)} RRU + ${fmt(repairCheckpoints)} checkpoint WRU`,
    usd: (repairReads / 1e6) * b.dynamodb.readMillion + (repairCheckpoints / 1e6) * b.dynamodb.writeMillion,
  });
  // Storage: the users table (records plus about 15 % for its two indexes) in both regions, with PITR on each.
  const tableGb = s.users * s.recordKb * 1.15 * GB_PER_KB;
  for (const region of [s.primaryRegion, s.backupRegion]) {
    const r = price(region);
    add({
      region,
      service: 'DynamoDB',
      item: 'storage and point-in-time recovery',
      quantity: `${tableGb.toFixed(2)} GB`,
      usd: tableGb * (r.dynamodb.storageGbMonth + r.dynamodb.pitrGbMonth),
    });
  }

  // ---- Lambda, logs, X-Ray, secrets ----------------------------------------------------------------------------
  const usage = usageOf(s);
  for (const service of ['primary', 'replica'] as const) {
    const region = regionOf[service];
    const r = price(region);
    const inventory = deployed[service];
    let requests = 0;
    let gbSeconds = 0;
    let logKb = 0;
    let traces = 0;
    for (const fn of inventory.functions) {
      const use = usage[service][fn.key];
      if (!use) throw new Error(`the cost model has no usage for ${service}.${fn.key}`);
      requests += use.invocations;
      gbSeconds += use.invocations * (use.averageMs / 1000) * (fn.memoryMb / 1024);
      logKb += use.invocations * (PLATFORM_LOG_KB + use.logKbPerInvocation);
      if (fn.tracing === 'Active') {
        traces +=
          Math.min(use.invocations, XRAY_RESERVOIR_PER_MONTH) +
          XRAY_RATE * Math.max(0, use.invocations - XRAY_RESERVOIR_PER_MONTH);
      }
    }
    add({
      region,
      service: 'Lambda',
      item: `${inventory.functions.length} functions: requests and duration (arm64)`,
      quantity: `${fmt(requests)} requests, ${fmt(gbSeconds)} GB-s`,
      usd: (requests / 1e6) * r.lambda.requestMillion + gbSeconds * r.lambda.arm64GbSecond,
    });
    const logGb = logKb * GB_PER_KB;
    add({
      region,
      service: 'CloudWatch',
      item: `logs: ingested, kept ${inventory.logRetentionDays} days`,
      quantity: `${logGb.toFixed(2)} GB a month`,
      usd:
        logGb * r.cloudwatch.logsIngestGb +
        logGb * Math.min(1, inventory.logRetentionDays / DAYS) * r.cloudwatch.logsStorageGbMonth,
    });
    add({
      region,
      service: 'X-Ray',
      item: 'traces recorded (functions with active tracing)',
      quantity: `${fmt(traces)} traces`,
      usd: (traces / 1e6) * r.xray.tracesRecordedMillion,
    });
    add({
      region,
      service: 'CloudWatch',
      item: 'alarms and dashboards',
      quantity: `${inventory.alarmMetrics} alarm metrics, ${inventory.dashboards} dashboard${inventory.dashboards === 1 ? '' : 's'}`,
      usd:
        inventory.alarmMetrics * r.cloudwatch.alarmMetricMonth +
        inventory.dashboards * r.cloudwatch.dashboardMonth,
    });
    const metrics = steadyMetrics(service, s);
    add({
      region,
      service: 'CloudWatch',
      item: 'custom metrics (CognitoDR namespace)',
      quantity: `${metrics.toFixed(1)} metric-months`,
      usd: metrics * r.cloudwatch.metricMonth,
    });
    // The primary's secret and its replica in the backup region are each a secret; cold starts read them.
    const secrets = service === 'primary' ? inventory.secrets : deployed.primary.secretReplicas;
    add({
      region,
      service: 'Secrets Manager',
      item: 'user-reference key (the primary secret, its replica here)',
      quantity: `${secrets} secret, ${fmt(requests * COLD_START_SHARE)} reads`,
      usd:
        secrets * r.secretsManager.secretMonth +
        ((requests * COLD_START_SHARE) / 1e4) * r.secretsManager.callsTenThousand,
    });
  }
  if (s.provisionedTriggerInstances > 0) {
    const memory = ['onPreSignUp', 'onPostConfirmation'].reduce(
      (sum, key) => sum + (deployed.replica.functions.find((fn) => fn.key === key)?.memoryMb ?? 0) / 1024,
      0,
    );
    add({
      region: s.backupRegion,
      service: 'Lambda',
      item: 'provisioned concurrency of the backup triggers',
      quantity: `${s.provisionedTriggerInstances} instances of PreSignUp and PostConfirmation`,
      usd: s.provisionedTriggerInstances * memory * MONTH_SECONDS * b.lambda.arm64ProvisionedGbSecond,
    });
  }

  const byService = {} as Record<CostLine['service'], number>;
  for (const line of lines) byService[line.service] = roundCents((byService[line.service] ?? 0) + line.usd);
  return {
    scenario: s,
    lines,
    infrastructureUsd: roundCents(lines.reduce((sum, line) => sum + line.usd, 0)),
    byService,
    cognito: [
      cognitoCost('primary', s.activeUsers, s.primaryTier, true),
      cognitoCost('backup', s.backfill ? s.users : s.changedUsersPerMonth, s.backupTier, false),
    ],
  };
};

/**
 * Metric-months of custom metrics: CloudWatch bills each metric by the hour for the hours it has data, so a metric
 * published every few minutes costs a month's price and one published on a rare failure next to nothing. Only the
 * former are counted (METRICS names every metric the code publishes, and which kind it is).
 */
export const steadyMetrics = (service: Service, s: Scenario): number => {
  const reconcileShare = Math.min(1, runsPerDay('primary', 'reconcile') / 24);
  const repairShare = Math.min(1, runsPerDay('replica', 'repair') / 24);
  return METRICS.filter((metric) => metric.service === service).reduce((sum, metric) => {
    if (metric.when === 'every-change' && s.changesPerMonth < MONTH_HOURS) return sum;
    if (metric.when === 'rare') return sum;
    const share = metric.when === 'every-run' ? (service === 'primary' ? reconcileShare : repairShare) : 1;
    return sum + share * metric.dimensions;
  }, 0);
};

export interface MetricSpec {
  name: string;
  service: Service;
  /**
   * every-minute: the heartbeat; every-change: with each batch or capture; every-run: each reconcile or repair
   * invocation; rare: only when something fails or is held.
   */
  when: 'every-minute' | 'every-change' | 'every-run' | 'rare';
  /** Dimension sets it is published with (ColdStart: one per function). */
  dimensions: number;
}

const m = (name: string, service: Service, when: MetricSpec['when'], dimensions = 1): MetricSpec => ({
  name,
  service,
  when,
  dimensions,
});

/** Every metric the functions publish, by where and how often (the cost test checks the code names no other). */
export const METRICS: MetricSpec[] = [
  ...(
    [
      'RegionActive',
      'RegionSwitching',
      'RolesEpoch',
      'ConsumerRunning',
      'PostureMismatch',
      'RegionsBothActive',
    ] as const
  ).flatMap((name) => [m(name, 'primary', 'every-minute'), m(name, 'replica', 'every-minute')]),
  m('UsersCaptured', 'primary', 'every-change'),
  m('CaptureFailed', 'primary', 'rare'),
  m('CaptureSkippedStandby', 'replica', 'every-change'),
  m('ApiCallCaptured', 'primary', 'every-change'),
  m('ApiCallIgnored', 'primary', 'every-change'),
  m('ApiCallIgnored', 'replica', 'every-change'),
  m('ApiCallUnresolved', 'primary', 'rare'),
  m('ApiCallMalformed', 'primary', 'rare'),
  m('ApiCallFailed', 'primary', 'rare'),
  m('SignUpsRefused', 'replica', 'rare'),
  ...(
    [
      'RecordsApplied',
      'RecordsSkipped',
      'RecordsParked',
      'RecordsFailed',
      'RecordsDeferred',
      'RecordsBlocked',
    ] as const
  ).map((name) => m(name, 'replica', 'every-change')),
  m('ReplicationLag', 'replica', 'every-change'),
  m('ColdStart', 'replica', 'every-change'),
  m('GroupsDeleted', 'replica', 'rare'),
  m('DeletionsHeld', 'replica', 'rare'),
  ...(['Checked', 'Created', 'Updated', 'Tombstoned', 'Deleted', 'Unchanged', 'Failed'] as const).flatMap(
    (name) => [m(`Reconcile${name}`, 'primary', 'every-run'), m(`Repair${name}`, 'replica', 'every-run')],
  ),
  // Calls per quota category, published when the run made any: listings every run, per-user reads with each
  // pass's modified users, the rest only when something is repaired.
  ...QUOTA_CATEGORIES.flatMap((category) => [
    m(
      `ReconcileCalls${category}`,
      'primary',
      ['UserList', 'UserPoolResourceRead', 'UserRead', 'UserResourceRead'].includes(category)
        ? 'every-run'
        : 'rare',
    ),
    m(
      `RepairCalls${category}`,
      'replica',
      ['UserList', 'UserPoolResourceRead'].includes(category) ? 'every-run' : 'rare',
    ),
  ]),
  m('ReconcileGroupsChanged', 'primary', 'every-run'),
  m('RepairGroupsChanged', 'replica', 'every-run'),
  ...(
    [
      'Refused',
      'LeaseHeld',
      'LeaseLost',
      'Aborted',
      'Abandoned',
      'ContinuationFailed',
      'GroupsRemoved',
    ] as const
  ).flatMap((name) => [m(`Reconcile${name}`, 'primary', 'rare'), m(`Repair${name}`, 'replica', 'rare')]),
];

/** A pool's month on each plan; the account's free MAU are counted once, in the primary. */
const cognitoCost = (
  pool: 'primary' | 'backup',
  mau: number,
  chosen: Tier,
  freeTier: boolean,
): CognitoCost => ({
  pool,
  mau,
  chosen,
  byTier: Object.fromEntries(
    TIERS.map((tier) => [tier, roundCents(mauPrice(tier, mau, freeTier))]),
  ) as Record<Tier, number>,
});

/** MAU priced band by band; without the free tier, the free band is priced as the first paid one. */
export const mauPrice = (tier: Tier, mau: number, freeTier: boolean): number => {
  const bands = COGNITO_MAU[tier];
  let usd = 0;
  for (const [index, band] of bands.entries()) {
    const next = bands[index + 1]?.from ?? Number.POSITIVE_INFINITY;
    const inBand = Math.max(0, Math.min(mau, next) - band.from);
    const rate = !freeTier && band.perMau === 0 ? (bands[index + 1]?.perMau ?? 0) : band.perMau;
    usd += inBand * rate;
  }
  return usd;
};
