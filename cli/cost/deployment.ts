// What each stack deploys that is billed by the month or by use, as the cost model needs it: functions (memory,
// architecture, tracing), alarm metrics, dashboards, secrets, tables and log retention. DEPLOYED is what the
// services' templates hold; test/templates/cost-inventory.test.ts packages both services and fails when
// inventoryOf(template) no longer equals it, so a new function, alarm or table cannot be left out of the costs.

export type Service = 'primary' | 'replica';

export interface FunctionSpec {
  /** The function's key in serverless.yml (onPostConfirmation). */
  key: string;
  memoryMb: number;
  tracing: 'Active' | 'PassThrough';
}

export interface TableSpec {
  logicalId: string;
  /** A global table has a replica, and its storage and PITR, in both regions. */
  global: boolean;
  pitr: boolean;
}

export interface ServiceInventory {
  functions: FunctionSpec[];
  /** Metrics evaluated by standard-resolution alarms (a metric-math alarm counts each metric it reads). */
  alarmMetrics: number;
  dashboards: number;
  /** Secrets, and their replicas in other regions (each billed as a secret). */
  secrets: number;
  secretReplicas: number;
  tables: TableSpec[];
  /** Days the functions' log groups keep events. */
  logRetentionDays: number;
  /** Scheduled starts a day, by function key (rate(1 hour): 24). */
  schedules: Record<string, number>;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

const LAMBDA_SUFFIX = 'LambdaFunction';

/** serverless names a function's resource after its key: onPostConfirmation -> OnPostConfirmationLambdaFunction. */
const keyOf = (logicalId: string) =>
  `${logicalId.charAt(0).toLowerCase()}${logicalId.slice(1, -LAMBDA_SUFFIX.length)}`;

/** The inventory of one packaged template (cloudformation-template-update-stack.json). */
export const inventoryOf = (template: { Resources: Record<string, Resource> }): ServiceInventory => {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  const functions = ofType('AWS::Lambda::Function').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const architectures = (properties.Architectures as string[] | undefined) ?? ['x86_64'];
    if (architectures[0] !== 'arm64') throw new Error(`${logicalId}: the model prices arm64 functions only`);
    return {
      key: keyOf(logicalId),
      memoryMb: Number(properties.MemorySize ?? 1024),
      tracing: ((properties.TracingConfig as { Mode?: string } | undefined)?.Mode ??
        'PassThrough') as FunctionSpec['tracing'],
    };
  });
  let alarmMetrics = 0;
  for (const [logicalId, resource] of ofType('AWS::CloudWatch::Alarm')) {
    const properties = resource.Properties ?? {};
    const metrics = properties.Metrics as Array<{ MetricStat?: { Period?: number } }> | undefined;
    const periods = metrics
      ? metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Period ?? 60] : []))
      : [Number(properties.Period ?? 60)];
    if (periods.some((period) => period < 60))
      throw new Error(`${logicalId}: high-resolution alarms are not priced`);
    alarmMetrics += periods.length;
  }
  const secrets = ofType('AWS::SecretsManager::Secret');
  const tables = [...ofType('AWS::DynamoDB::GlobalTable'), ...ofType('AWS::DynamoDB::Table')].map(
    ([logicalId, resource]): TableSpec => {
      const properties = resource.Properties ?? {};
      const replicas = properties.Replicas as
        | Array<{ PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled?: boolean } }>
        | undefined;
      const pitr = replicas
        ? replicas.every(
            (replica) => replica.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true,
          )
        : (
            properties.PointInTimeRecoverySpecification as
              | { PointInTimeRecoveryEnabled?: boolean }
              | undefined
          )?.PointInTimeRecoveryEnabled === true;
      return { logicalId, global: resource.Type === 'AWS::DynamoDB::GlobalTable', pitr };
    },
  );
  const retention = new Set(
    ofType('AWS::Logs::LogGroup').map(([, resource]) => Number(resource.Properties?.RetentionInDays ?? 0)),
  );
  if (retention.size > 1) throw new Error(`log groups keep events for different periods: ${[...retention]}`);
  const schedules: Record<string, number> = {};
  for (const [logicalId, resource] of ofType('AWS::Events::Rule')) {
    const expression = resource.Properties?.ScheduleExpression;
    if (typeof expression !== 'string') continue;
    const targets = (resource.Properties?.Targets as Array<{ Arn?: { 'Fn::GetAtt'?: string[] } }>) ?? [];
    const target = targets[0]?.Arn?.['Fn::GetAtt']?.[0];
    if (!target?.endsWith(LAMBDA_SUFFIX)) throw new Error(`${logicalId}: a schedule that starts no function`);
    schedules[keyOf(target)] = runsPerDay(logicalId, expression);
  }
  return {
    functions: functions.sort((a, b) => a.key.localeCompare(b.key)),
    alarmMetrics,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    secrets: secrets.length,
    secretReplicas: secrets.reduce(
      (sum, [, resource]) =>
        sum + ((resource.Properties?.ReplicaRegions as unknown[] | undefined)?.length ?? 0),
      0,
    ),
    tables: tables.sort((a, b) => a.logicalId.localeCompare(b.logicalId)),
    logRetentionDays: [...retention][0] ?? 0,
    schedules,
  };
};

const UNIT_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 1440 };

/** rate(N unit) as starts a day; cron expressions are not priced (none is deployed). */
const runsPerDay = (logicalId: string, expression: string): number => {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!match) throw new Error(`${logicalId}: the model prices rate() schedules only, not ${expression}`);
  return 1440 / (Number(match[1]) * (UNIT_MINUTES[match[2] as string] as number));
};

/** What the templates deploy (checked against the packaged templates by test/templates/cost-inventory.test.ts). */
export const DEPLOYED: Record<Service, ServiceInventory> = {
  primary: {
    functions: [
      { key: 'adminAddUserToGroup', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'adminCreateUser', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'adminDeleteUser', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'adminDisableUser', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'adminEnableUser', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'adminGetUser', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'adminRemoveUserFromGroup', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'adminUpdateUser', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onAdoptedPool', memoryMb: 256, tracing: 'PassThrough' },
      { key: 'onCognitoApiCall', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onCustomMessage', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onPostAuthentication', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onPostConfirmation', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onPreAuthentication', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onPreSignUp', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onReconcileSchedule', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onRolesHeartbeat', memoryMb: 256, tracing: 'PassThrough' },
      { key: 'onUserMigration', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onUserRecordChange', memoryMb: 512, tracing: 'PassThrough' },
    ],
    alarmMetrics: 31,
    dashboards: 1,
    secrets: 1,
    secretReplicas: 1,
    tables: [
      { logicalId: 'ControlTable', global: true, pitr: true },
      { logicalId: 'ReplicationTable', global: true, pitr: true },
      { logicalId: 'StateTable', global: false, pitr: true },
    ],
    logRetentionDays: 90,
    schedules: { onRolesHeartbeat: 1440, onReconcileSchedule: 24 },
  },
  replica: {
    functions: [
      { key: 'backupStreamLookup', memoryMb: 256, tracing: 'PassThrough' },
      { key: 'onCognitoApiCall', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onConfigurationCheck', memoryMb: 256, tracing: 'PassThrough' },
      { key: 'onCustomMessage', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onPostConfirmation', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onPreAuthentication', memoryMb: 256, tracing: 'PassThrough' },
      { key: 'onPreSignUp', memoryMb: 256, tracing: 'PassThrough' },
      { key: 'onRepairSchedule', memoryMb: 512, tracing: 'PassThrough' },
      { key: 'onRolesHeartbeat', memoryMb: 256, tracing: 'PassThrough' },
      { key: 'onUserRecordChange', memoryMb: 512, tracing: 'PassThrough' },
    ],
    alarmMetrics: 27,
    dashboards: 1,
    secrets: 0,
    secretReplicas: 0,
    tables: [{ logicalId: 'StateTable', global: false, pitr: true }],
    logRetentionDays: 90,
    schedules: { onRepairSchedule: 1, onRolesHeartbeat: 1440, onConfigurationCheck: 24 },
  },
};
