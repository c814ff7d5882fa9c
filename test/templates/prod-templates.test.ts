// What a prod deploy would hand CloudFormation, checked offline: both services are packaged once (no credentials,
// no network) and the generated templates and zips are held to the deployment's promises.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRIGGER_SLOTS } from '@cognito-dr/adopt';
import { GROUP_CHANGING_CALLS, USER_CHANGING_CALLS } from '@cognito-dr/capture';
import { parse } from 'yaml';
import { activeParameterName } from '../../cli/regions';
import { readServerlessYml } from '../../local/lib/cloudformation-yaml';
import { attributeRule } from '../../services/primary/src/admin-api/attribute-rules';
import {
  apiRoutes,
  asList,
  dependencies,
  findCycle,
  functionStatements,
  getAtt,
  iamStatements,
  onlyResourceOfType,
  type Packaged,
  packageBothServices,
  props,
  ROOT,
  ref,
  resourcesOfType,
  type Statement,
  type Template,
} from './support/template';

const poolSchema = require('../../shared/pool-schema.json') as {
  customAttributes: { Name: string }[];
  linkAttributes: { Name: string }[];
  userWritableAttributes: string[];
};

/** The only statements allowed a `*` resource, because AWS offers no resource-level permission for them. */
const WILDCARD_RESOURCE_ALLOWED: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions (active tracing)',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions (active tracing)',
};

/**
 * Zip size is cold-start time. What a user waits on (the pools' triggers, within Cognito's 5 s, and the admin API)
 * stays at most 300 KB; functions nobody waits on (stream consumers, scheduled runs, custom resources, the API-call
 * capture) may take 320 KB, as the scheduled repair does with the consumer's convergence and the reconcile engine.
 */
const BUNDLE_LIMIT_BYTES = 300 * 1024;
const BACKGROUND_BUNDLE_LIMIT_BYTES = 320 * 1024;
const BACKGROUND_FUNCTIONS = new Set([
  'onUserRecordChange',
  'onCognitoApiCall',
  'onReconcileSchedule',
  'onRepairSchedule',
  'onRolesHeartbeat',
  'onConfigurationCheck',
  'onAdoptedPool',
  'backupStreamLookup',
]);

let packaged: Packaged;
let primary: Template;
let replica: Template;

beforeAll(() => {
  packaged = packageBothServices();
  primary = packaged.primary.template;
  replica = packaged.replica.template;
}, 240_000);

const each = (fn: (name: 'primary' | 'replica', template: () => Template) => void) => {
  fn('primary', () => primary);
  fn('replica', () => replica);
};

/** Permissions that let Cognito invoke a function, as CloudFormation gets them. */
const cognitoInvokePermissions = (template: Template) =>
  resourcesOfType(template, 'AWS::Lambda::Permission')
    .filter(([, p]) => p.Properties?.Principal === 'cognito-idp.amazonaws.com')
    .map(([, p]) => p.Properties);

const CONTROL_TABLE_ARN = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
  'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/cognito-dr-control-prod',
};

const TABLE_ARN_IN_STACK_REGION = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
  'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/cognito-dr-users-prod',
};

// The backup pool in the backup region; the id is scripts/package-prod.sh's placeholder.
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
const BACKUP_POOL_ARN_PREFIX = 'arn:${AWS::Partition}:cognito-idp:ap-northeast-1:${AWS::AccountId}:userpool';

/** CloudFormation's pseudo parameters as one sample account in the template's region would resolve them. */
const resolveSub = (value: unknown, region: string): string => {
  const text = (value as { 'Fn::Sub'?: string })['Fn::Sub'] ?? (value as string);
  const pseudo: Record<string, string> = { Partition: 'aws', Region: region, AccountId: '123456789012' };
  return text.replace(/\$\{AWS::(\w+)\}/g, (whole, name: string) => pseudo[name] ?? whole);
};

/**
 * Whether a queue policy lets EventBridge (events.amazonaws.com) send the dead letters of the rule named `ruleName`,
 * evaluating each Allow statement's aws:SourceArn condition (ArnEquals exactly, ArnLike with its wildcards).
 */
function eventBridgeMaySend(policy: Record<string, unknown>, ruleName: string): boolean {
  const region = 'ap-northeast-1';
  const ruleArn = `arn:aws:events:${region}:123456789012:rule/${ruleName}`;
  const statements = asList((policy.PolicyDocument as { Statement: unknown }).Statement) as {
    Effect: string;
    Principal?: { Service?: string };
    Action: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
  }[];
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow' || statement.Principal?.Service !== 'events.amazonaws.com') return false;
    if (!asList(statement.Action).includes('sqs:SendMessage')) return false;
    const conditions = Object.entries(statement.Condition ?? {});
    if (conditions.length === 0) return false;
    return conditions.every(([operator, test]) => {
      const expected = asList(test['aws:SourceArn'] as unknown[]).map((v) => resolveSub(v, region));
      if (operator === 'ArnEquals') return expected.includes(ruleArn);
      if (operator === 'ArnLike') {
        return expected.some((pattern) =>
          new RegExp(
            `^${pattern
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.')}$`,
          ).test(ruleArn),
        );
      }
      return false;
    });
  });
}

describe('primary: the replication table', () => {
  const table = () => props(primary, 'ReplicationTable');

  it('is a global table replicated into both regions, each with PITR and deletion protection', () => {
    expect(table().Replicas).toEqual([
      expect.objectContaining({
        Region: 'us-east-1',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
      expect.objectContaining({
        Region: 'ap-northeast-1',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    ]);
  });

  it('streams old and new images, is on demand and expires records on expiresAt', () => {
    expect(table()).toMatchObject({
      TableName: 'cognito-dr-users-prod',
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is encrypted with KMS, under the AWS managed key in every replica region', () => {
    expect(table().SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    // A replica naming a key would mean a customer managed key, which must exist in its region first.
    for (const replicaSpec of table().Replicas as Record<string, unknown>[]) {
      expect(replicaSpec.SSESpecification).toBeUndefined();
    }
  });
});

describe('the control table and the state tables', () => {
  it('control items live in a global table replicated into both regions, each with PITR', () => {
    const control = props(primary, 'ControlTable');
    expect(control.TableName).toBe('cognito-dr-control-prod');
    expect((control.Replicas as { Region: string }[]).map((r) => r.Region)).toEqual([
      'us-east-1',
      'ap-northeast-1',
    ]);
    for (const replicaSpec of control.Replicas as Record<string, unknown>[]) {
      expect(replicaSpec).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
    expect(primary.Outputs?.ControlTableName).toEqual({ Value: ref('ControlTable') });
  });

  each((name, template) => {
    it(`${name}: its own state table is regional, encrypted, with TTL on expiresAt`, () => {
      const state = props(template(), 'StateTable');
      expect(resourcesOfType(template(), 'AWS::DynamoDB::Table').map(([id]) => id)).toEqual(['StateTable']);
      expect(state).toMatchObject({
        TableName: 'cognito-dr-state-prod',
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    });
  });
});

describe('primary: the user pool and its trigger', () => {
  it('has deletion protection ACTIVE (the string CloudFormation takes, not a boolean)', () => {
    expect(props(primary, 'UserPool').DeletionProtection).toBe('ACTIVE');
  });

  it('declares every custom attribute of shared/pool-schema.json', () => {
    const names = (props(primary, 'UserPool').Schema as { Name: string }[]).map((a) => a.Name);
    expect(names).toEqual(expect.arrayContaining(poolSchema.customAttributes.map((a) => a.Name)));
  });

  it('has its triggers (capture, posture, migration), which Cognito may invoke for this pool only', () => {
    // Every slot the adopt module takes in an adopted pool, the stack's own pool has too.
    const triggers = TRIGGER_SLOTS;
    expect(props(primary, 'UserPool').LambdaConfig).toEqual(
      Object.fromEntries(triggers.map((t) => [t, getAtt(`On${t}LambdaFunction`, 'Arn')])),
    );
    expect(cognitoInvokePermissions(primary)).toEqual(
      triggers.map((t) => ({
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(`On${t}LambdaFunction`, 'Arn'),
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: getAtt('UserPool', 'Arn'),
      })),
    );
  });

  it('lets the capture trigger read the pool and write the table, and finish a migration without creating or deleting', () => {
    const statements = functionStatements(primary, 'OnPostConfirmationLambdaFunction');
    expect(actionsOn(statements, getAtt('UserPool', 'Arn'))).toEqual([
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminDeleteUserAttributes',
      'cognito-idp:AdminDisableProviderForUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminLinkProviderForUser',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:AdminRemoveUserFromGroup',
      'cognito-idp:AdminSetUserMFAPreference',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:CreateGroup',
    ]);
    expect(actionsOn(statements, TABLE_ARN_IN_STACK_REGION)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
    expect(actionsOn(statements, CONTROL_TABLE_ARN)).toEqual(['dynamodb:GetItem']);
    const completion = functionStatements(primary, 'OnPostAuthenticationLambdaFunction');
    expect(actionsOn(completion, getAtt('UserPool', 'Arn'))).toEqual(
      actionsOn(statements, getAtt('UserPool', 'Arn')),
    );
  });

  it("checks a migrating user's password on the backup pool only, through its migration client", () => {
    const statements = functionStatements(primary, 'OnUserMigrationLambdaFunction');
    const onBackup = statements.filter((st) => JSON.stringify(st.Resource).includes(BACKUP_POOL_ARN_PREFIX));
    expect(onBackup.flatMap((st) => asList(st.Action))).toEqual(['cognito-idp:AdminInitiateAuth']);
    expect(actionsOn(statements, TABLE_ARN_IN_STACK_REGION)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
    expect(props(primary, 'OnUserMigrationLambdaFunction').Environment).toEqual({
      Variables: expect.objectContaining({
        MIGRATE_FROM_USER_POOL_ID: 'offline-package-placeholder',
        MIGRATE_FROM_CLIENT_ID: 'offline-package-placeholder',
      }),
    });
  });

  it('posture triggers read the region roles and nothing else', () => {
    for (const fn of ['OnPreSignUpLambdaFunction', 'OnCustomMessageLambdaFunction']) {
      const own = functionStatements(primary, fn).filter(
        (st) => !asList(st.Action).some((a) => a.startsWith('xray:') || a.startsWith('logs:')),
      );
      expect(own.flatMap((st) => asList(st.Action))).toEqual(['dynamodb:GetItem']);
      expect(actionsOn(own, CONTROL_TABLE_ARN)).toEqual(['dynamodb:GetItem']);
    }
  });

  it('has the admin group and an app client', () => {
    expect(props(primary, 'AdminGroup')).toMatchObject({
      UserPoolId: ref('UserPool'),
      GroupName: 'dr-admins',
    });
    expect(props(primary, 'UserPoolClient')).toMatchObject({
      UserPoolId: ref('UserPool'),
      GenerateSecret: false,
    });
  });
});

/** Route → function and the exact Cognito actions it calls on the primary pool (capture adds the two reads). */
const ROUTES: Record<string, { fn: string; cognito: string[]; writesTable: boolean }> = {
  'POST /users': {
    fn: 'AdminCreateUserLambdaFunction',
    cognito: ['GetGroup', 'AdminCreateUser', 'AdminAddUserToGroup', 'AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: true,
  },
  'GET /users/{username}': {
    fn: 'AdminGetUserLambdaFunction',
    cognito: ['AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: false,
  },
  'PUT /users/{username}': {
    fn: 'AdminUpdateUserLambdaFunction',
    cognito: ['AdminUpdateUserAttributes', 'AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: true,
  },
  'DELETE /users/{username}': {
    fn: 'AdminDeleteUserLambdaFunction',
    cognito: ['AdminDeleteUser', 'AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: true,
  },
  'POST /users/{username}/disable': {
    fn: 'AdminDisableUserLambdaFunction',
    cognito: ['AdminDisableUser', 'AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: true,
  },
  'POST /users/{username}/enable': {
    fn: 'AdminEnableUserLambdaFunction',
    cognito: ['AdminEnableUser', 'AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: true,
  },
  'PUT /users/{username}/groups/{group}': {
    fn: 'AdminAddUserToGroupLambdaFunction',
    cognito: ['AdminAddUserToGroup', 'AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: true,
  },
  'DELETE /users/{username}/groups/{group}': {
    fn: 'AdminRemoveUserFromGroupLambdaFunction',
    cognito: ['AdminRemoveUserFromGroup', 'AdminGetUser', 'AdminListGroupsForUser'],
    writesTable: true,
  },
};

function actionsOn(statements: Statement[], resource: unknown): string[] {
  return statements
    .filter((s) =>
      asList(s.Resource as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(resource)),
    )
    .flatMap((s) => asList(s.Action))
    .sort();
}

describe('primary: the admin API', () => {
  it('has exactly the documented routes, one function each', () => {
    const routes = apiRoutes(primary);
    expect([...routes.keys()].sort()).toEqual(Object.keys(ROUTES).sort());
    for (const [route, { fn }] of Object.entries(ROUTES)) expect(routes.get(route)?.functionId).toBe(fn);
  });

  it('puts every method behind the primary pool authorizer', () => {
    const methods = resourcesOfType(primary, 'AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThan(0);
    for (const [, method] of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: ref('AdminApiAuthorizer'),
      });
    }
    expect(props(primary, 'AdminApiAuthorizer')).toEqual({
      Name: 'primary-pool',
      Type: 'COGNITO_USER_POOLS',
      RestApiId: ref('ApiGatewayRestApi'),
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [getAtt('UserPool', 'Arn')],
    });
  });

  it('gives each route function exactly the calls its route makes', () => {
    for (const [route, { fn, cognito, writesTable }] of Object.entries(ROUTES)) {
      const statements = functionStatements(primary, fn);
      expect({ route, pool: actionsOn(statements, getAtt('UserPool', 'Arn')) }).toEqual({
        route,
        pool: cognito.map((a) => `cognito-idp:${a}`).sort(),
      });
      expect({ route, table: actionsOn(statements, TABLE_ARN_IN_STACK_REGION) }).toEqual({
        route,
        table: writesTable ? ['dynamodb:GetItem', 'dynamodb:PutItem'] : ['dynamodb:GetItem'],
      });
    }
  });

  it('lets GET ask the backup pool, in the backup region, once that pool is known', () => {
    const [id, policy] = resourcesOfType(primary, 'AWS::IAM::Policy').find(([, p]) =>
      JSON.stringify(p.Properties?.Roles).includes('AdminGetUserIamRoleLambdaExecution'),
    ) ?? ['', undefined];
    expect(policy?.Condition).toBe('HasBackupUserPool');
    expect(policy?.Properties?.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['cognito-idp:AdminGetUser'],
          Resource: { 'Fn::Sub': `${BACKUP_POOL_ARN_PREFIX}/offline-package-placeholder` },
        },
      ],
    });
    expect(id).toBe('AdminGetUserBackupPoolReadPolicy');
    const env = (props(primary, 'AdminGetUserLambdaFunction').Environment as { Variables: object }).Variables;
    expect(env).toMatchObject({
      BACKUP_USER_POOL_ID: 'offline-package-placeholder',
      BACKUP_REGION: 'ap-northeast-1',
    });
  });

  it('configures every route function from its environment', () => {
    for (const { fn } of Object.values(ROUTES)) {
      const env = (props(primary, fn).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        USER_POOL_ID: ref('UserPool'),
        USER_POOL_CLIENT_ID: ref('UserPoolClient'),
        TABLE_NAME: 'cognito-dr-users-prod',
        ADMIN_GROUP: 'dr-admins',
        BACKUP_REGION: 'ap-northeast-1',
      });
      // In AWS both default in code from the pool id; set here they would only be a second source of truth.
      expect(env).not.toHaveProperty('JWT_ISSUER');
      expect(env).not.toHaveProperty('JWKS_URI');
    }
  });

  it('serves one explicit stage with throttling, tracing and no execution logs', () => {
    const [, deployment] = onlyResourceOfType(primary, 'AWS::ApiGateway::Deployment');
    expect(deployment.Properties).not.toHaveProperty('StageName');
    const [, stage] = onlyResourceOfType(primary, 'AWS::ApiGateway::Stage');
    expect(stage.Properties).toMatchObject({ StageName: 'prod', TracingEnabled: true });
    expect(stage.Properties?.MethodSettings).toEqual([
      {
        ResourcePath: '/*',
        HttpMethod: '*',
        ThrottlingRateLimit: expect.any(Number),
        ThrottlingBurstLimit: expect.any(Number),
        MetricsEnabled: true,
        LoggingLevel: 'OFF',
        DataTraceEnabled: false,
      },
    ]);
    const [settings] = props(primary, 'ApiGatewayStage').MethodSettings as {
      ThrottlingRateLimit: number;
      ThrottlingBurstLimit: number;
    }[];
    expect(settings?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(settings?.ThrottlingBurstLimit).toBeGreaterThanOrEqual(settings?.ThrottlingRateLimit ?? Infinity);
  });

  it('writes access logs of ids, status and latency only, to a log group with retention', () => {
    const { DestinationArn, Format } = props(primary, 'ApiGatewayStage').AccessLogSetting as {
      DestinationArn: unknown;
      Format: string;
    };
    expect(JSON.stringify(DestinationArn)).toContain('"Ref":"AdminApiAccessLogGroup"');
    expect(props(primary, 'AdminApiAccessLogGroup').RetentionInDays).toBeGreaterThan(0);
    const fields = JSON.parse(Format) as Record<string, string>;
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      caller: '$context.authorizer.claims.sub',
      method: '$context.httpMethod',
      path: '$context.resourcePath',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
    });
    // No body, no headers (Authorization), and the route template rather than the path with the username in it.
    expect(Format).not.toMatch(/body|header|authorization|\$context\.path|requestOverride/i);
  });
});

describe('primary: closing the loss window', () => {
  it.each([
    ['primary', () => primary],
    ['replica', () => replica],
  ])(
    '%s: sends every user- and group-changing Cognito call CloudTrail records to the out-of-band capture',
    (_, template) => {
      const rules = resourcesOfType(template(), 'AWS::Events::Rule')
        .map(([, rule]) => rule.Properties ?? {})
        .filter((r) => JSON.stringify(r.EventPattern ?? '').includes('aws.cognito-idp'));
      for (const rule of rules) {
        expect(rule.EventPattern).toMatchObject({
          source: ['aws.cognito-idp'],
          'detail-type': ['AWS API Call via CloudTrail'],
        });
        expect(JSON.stringify(rule.Targets)).toContain('OnCognitoApiCallLambdaFunction');
      }
      const names = rules.map((rule) =>
        [...(rule.EventPattern as { detail: { eventName: string[] } }).detail.eventName].sort(),
      );
      // Exactly the calls the capture handler knows how to read, no more, no fewer.
      expect(names).toEqual(
        expect.arrayContaining([
          Object.keys(USER_CHANGING_CALLS).sort(),
          Object.keys(GROUP_CHANGING_CALLS).sort(),
        ]),
      );
      expect(names).toHaveLength(2);
    },
  );

  it('lets the out-of-band capture read a group of its pool, and change none', () => {
    for (const template of [primary, replica]) {
      const actions = functionStatements(template, 'OnCognitoApiCallLambdaFunction').flatMap((st) =>
        asList(st.Action),
      );
      expect(actions).toContain('cognito-idp:GetGroup');
      expect(actions.filter((action) => /^cognito-idp:.*Group$/.test(action))).toEqual([
        'cognito-idp:GetGroup',
      ]);
    }
  });

  it('runs the reconciler hourly', () => {
    const schedules = resourcesOfType(primary, 'AWS::Events::Rule')
      .map(([, rule]) => rule.Properties ?? {})
      .filter((r) => r.ScheduleExpression);
    expect(schedules.map((r) => r.ScheduleExpression)).toContain('rate(1 hour)');
  });

  it('keeps the CloudTrail events the capture failed in an encrypted queue for 14 days, and alarms on it', () => {
    expect(props(primary, 'OnCognitoApiCallLambdaEvConf')).toMatchObject({
      FunctionName: ref('OnCognitoApiCallLambdaFunction'),
      DestinationConfig: { OnFailure: { Destination: getAtt('ApiCallDeadLetterQueue', 'Arn') } },
      MaximumRetryAttempts: expect.any(Number),
      MaximumEventAgeInSeconds: expect.any(Number),
    });
    expect(props(primary, 'ApiCallDeadLetterQueue')).toMatchObject({
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
    expect(alarmsOn(primary, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toContainEqual(
      expect.objectContaining({
        Dimensions: [{ Name: 'QueueName', Value: getAtt('ApiCallDeadLetterQueue', 'QueueName') }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });

  it('lets the capture send to that queue only (Lambda uses the function role for destinations)', () => {
    const statements = functionStatements(primary, 'OnCognitoApiCallLambdaFunction');
    expect(actionsOn(statements, getAtt('ApiCallDeadLetterQueue', 'Arn'))).toEqual(['sqs:SendMessage']);
    const sqsActions = statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('sqs:'));
    expect(sqsActions).toEqual(['sqs:SendMessage']);
  });

  each((name, template) => {
    it(`${name}: keeps what EventBridge could not deliver in that queue, which accepts it from every rule that sends there, and no other`, () => {
      const rules = resourcesOfType(template(), 'AWS::Events::Rule').filter(
        ([, r]) =>
          (r.Properties?.EventPattern as { source?: string[] } | undefined)?.source?.[0] ===
          'aws.cognito-idp',
      ) as unknown as [string, { Properties: { Name: string; Targets: Record<string, unknown>[] } }][];
      // User changes and group changes: one rule each.
      expect(rules).toHaveLength(2);
      const policy = props(template(), 'ApiCallDeadLetterQueuePolicy');
      expect(policy.Queues).toEqual([ref('ApiCallDeadLetterQueue')]);
      for (const [ruleId, rule] of rules) {
        expect(rule.Properties.Targets).toEqual([
          expect.objectContaining({ DeadLetterConfig: { Arn: getAtt('ApiCallDeadLetterQueue', 'Arn') } }),
        ]);
        expect({ ruleId, admitted: eventBridgeMaySend(policy, rule.Properties.Name) }).toEqual({
          ruleId,
          admitted: true,
        });
      }
      expect(eventBridgeMaySend(policy, `cognito-dr-${name}-prod-onReconcileSchedule-rule-1`)).toBe(false);
      expect(eventBridgeMaySend(policy, 'someone-elses-rule')).toBe(false);
    });
  });

  it('alarms when no CloudTrail event reached the capture for a day (missing data counts as silence)', () => {
    expect(alarmsOn(primary, 'AWS/Lambda', 'Invocations')).toEqual([
      expect.objectContaining({
        Dimensions: [{ Name: 'FunctionName', Value: ref('OnCognitoApiCallLambdaFunction') }],
        Statistic: 'Sum',
        Period: 86_400,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }),
    ]);
  });

  it('lets every function that captures find a deleted user named in another casing through an index', () => {
    const index = { 'Fn::Sub': `${TABLE_ARN_IN_STACK_REGION['Fn::Sub']}/index/byUsernameLower` };
    const table = props(primary, 'ReplicationTable') as {
      GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown }[];
    };
    expect(table.GlobalSecondaryIndexes).toContainEqual(
      expect.objectContaining({
        IndexName: 'byUsernameLower',
        KeySchema: [{ AttributeName: 'usernameLower', KeyType: 'HASH' }],
      }),
    );
    const capturing: [Template, string][] = [
      ...[
        'OnPostConfirmationLambdaFunction',
        'OnPostAuthenticationLambdaFunction',
        'OnCognitoApiCallLambdaFunction',
        ...Object.values(ROUTES)
          .filter((route) => route.writesTable)
          .map((route) => route.fn),
      ].map((fn): [Template, string] => [primary, fn]),
      // The backup region captures its own pool while it is the active one.
      [replica, 'OnPostConfirmationLambdaFunction'],
      [replica, 'OnCognitoApiCallLambdaFunction'],
    ];
    for (const [template, fn] of capturing) {
      expect({ fn, actions: actionsOn(functionStatements(template, fn), index) }).toEqual({
        fn,
        actions: ['dynamodb:Query'],
      });
    }
  });

  it("keeps the backup region capture's failed CloudTrail events too, for use after a failover", () => {
    expect(props(replica, 'OnCognitoApiCallLambdaEvConf')).toMatchObject({
      DestinationConfig: { OnFailure: { Destination: getAtt('ApiCallDeadLetterQueue', 'Arn') } },
    });
    expect(props(replica, 'ApiCallDeadLetterQueue')).toMatchObject({
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
    expect(
      actionsOn(
        functionStatements(replica, 'OnCognitoApiCallLambdaFunction'),
        getAtt('ApiCallDeadLetterQueue', 'Arn'),
      ),
    ).toEqual(['sqs:SendMessage']);
    expect(alarmsOn(replica, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toContainEqual(
      expect.objectContaining({
        Dimensions: [{ Name: 'QueueName', Value: getAtt('ApiCallDeadLetterQueue', 'QueueName') }],
      }),
    );
  });

  it('finds a record by sub through an index, never a scan, for the out-of-band capture', () => {
    const table = props(primary, 'ReplicationTable') as {
      GlobalSecondaryIndexes: Array<{ IndexName: string }>;
    };
    expect(table.GlobalSecondaryIndexes.map((i) => i.IndexName)).toContain('bySub');
    const role = JSON.stringify(props(primary, 'OnCognitoApiCallIamRoleLambdaExecution'));
    expect(role).toContain('dynamodb:Query');
    expect(role).not.toContain('dynamodb:Scan');
  });
});

describe('primary: alarms', () => {
  it('alarms on any CaptureFailed from the trigger (EMF namespace CognitoDR, service primary)', () => {
    const alarm = props(primary, 'CaptureFailedAlarm');
    expect(alarm).toMatchObject({
      Namespace: 'CognitoDR',
      MetricName: 'CaptureFailed',
      Dimensions: [{ Name: 'service', Value: 'primary' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref('AlarmTopic')],
    });
  });

  it('alarms on API 5xx', () => {
    expect(alarmsOn(primary, 'AWS/ApiGateway', '5XXError')).toHaveLength(1);
  });
});

function alarmsOn(template: Template, namespace: string, metric: string): Record<string, unknown>[] {
  return resourcesOfType(template, 'AWS::CloudWatch::Alarm')
    .map(([, a]) => a.Properties ?? {})
    .filter((p) => p.Namespace === namespace && p.MetricName === metric);
}

describe('replica: the stream consumer', () => {
  const mapping = () => onlyResourceOfType(replica, 'AWS::Lambda::EventSourceMapping')[1].Properties ?? {};

  it('reads the backup region stream found by BackupStreamLookup', () => {
    expect(mapping()).toMatchObject({
      EventSourceArn: getAtt('BackupStreamLookup', 'StreamArn'),
      FunctionName: getAtt('OnUserRecordChangeLambdaFunction', 'Arn'),
      StartingPosition: 'TRIM_HORIZON',
    });
    expect(props(replica, 'BackupStreamLookup')).toMatchObject({
      ServiceToken: getAtt('BackupStreamLookupLambdaFunction', 'Arn'),
      TableName: 'cognito-dr-users-prod',
    });
  });

  it('reports item failures, bisects, retries a bounded number of times and ages records out', () => {
    const m = mapping();
    expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(m.BisectBatchOnFunctionError).toBe(true);
    expect(m.MaximumRetryAttempts).toEqual(expect.any(Number));
    expect(m.MaximumRetryAttempts as number).toBeGreaterThanOrEqual(0);
    expect(m.MaximumRetryAttempts as number).toBeLessThanOrEqual(10);
    expect(m.MaximumRecordAgeInSeconds).toEqual(expect.any(Number));
    expect(m.MaximumRecordAgeInSeconds as number).toBeGreaterThan(0);
    expect(m.MaximumRecordAgeInSeconds as number).toBeLessThanOrEqual(86_400);
  });

  it('is tuned for lag: no batching window, one batch per shard at a time', () => {
    expect(mapping()).toMatchObject({
      MaximumBatchingWindowInSeconds: 0,
      ParallelizationFactor: 1,
      BatchSize: 100,
    });
  });

  it('sends exhausted batches to the encrypted dead-letter queue', () => {
    expect(mapping().DestinationConfig).toEqual({
      OnFailure: { Destination: getAtt('ApplyDeadLetterQueue', 'Arn') },
    });
    const queue = props(replica, 'ApplyDeadLetterQueue');
    expect(queue.SqsManagedSseEnabled === true || typeof queue.KmsMasterKeyId === 'string').toBe(true);
  });

  it('lets the lookup describe the table in its own region only', () => {
    // Besides what every function of the service may do: logs, X-Ray, reading region roles.
    const statements = functionStatements(replica, 'BackupStreamLookupLambdaFunction').filter(
      (s) =>
        !asList(s.Action).some((a) => a.startsWith('logs:') || a.startsWith('xray:')) &&
        JSON.stringify(s.Resource) !== JSON.stringify(CONTROL_TABLE_ARN),
    );
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:DescribeTable'], Resource: TABLE_ARN_IN_STACK_REGION },
    ]);
  });

  it('lets the consumer read the table in its own region, in batches or one user at a time, and never write it', () => {
    const statements = functionStatements(replica, 'OnUserRecordChangeLambdaFunction');
    expect(actionsOn(statements, TABLE_ARN_IN_STACK_REGION)).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
    ]);
  });

  it('configures the consumer with the dead-letter queue, creating the backup users it lacks', () => {
    const env = (props(replica, 'OnUserRecordChangeLambdaFunction').Environment as { Variables: object })
      .Variables;
    expect(env).toMatchObject({
      TABLE_NAME: 'cognito-dr-users-prod',
      USER_POOL_ID: ref('BackupUserPool'),
      CREATE_MISSING: 'true',
      DEAD_LETTER_QUEUE_URL: ref('ApplyDeadLetterQueue'),
      CONTROL_TABLE_NAME: 'cognito-dr-control-prod',
    });
  });
});

describe('replica: the backup pool', () => {
  it('declares every custom attribute of the primary pool, the same way, plus source_sub', () => {
    const primaryCustom = (props(primary, 'UserPool').Schema as { Name: string }[]).filter((a) =>
      poolSchema.customAttributes.some((c) => c.Name === a.Name),
    );
    const backup = props(replica, 'BackupUserPool').Schema as { Name: string }[];
    for (const attribute of primaryCustom) expect(backup).toContainEqual(attribute);
    expect(backup.map((a) => a.Name)).toContain('source_sub');
    expect(primaryCustom.map((a) => a.Name).sort()).toEqual(
      poolSchema.customAttributes.map((a) => a.Name).sort(),
    );
  });

  it('has deletion protection ACTIVE', () => {
    expect(props(replica, 'BackupUserPool').DeletionProtection).toBe('ACTIVE');
  });

  it('sends users nothing while on standby: no automatic verification messages', () => {
    expect(props(replica, 'BackupUserPool').AutoVerifiedAttributes).toEqual([]);
  });

  it('has the primary admin group, ready for operators after a failover', () => {
    expect(props(replica, 'BackupAdminGroup')).toMatchObject({
      UserPoolId: ref('BackupUserPool'),
      GroupName: props(primary, 'AdminGroup').GroupName,
    });
  });
});

describe('replica: one UserCreation call per new backup user', () => {
  const writeAttributesOf = (template: Template) =>
    new Map(
      resourcesOfType(template, 'AWS::Cognito::UserPoolClient').map(([id, client]) => [
        id,
        client.Properties?.WriteAttributes as string[] | undefined,
      ]),
    );

  it('has a replicator client with a secret, no sign-in flow, writing what replication writes', () => {
    expect(props(replica, 'BackupReplicatorClient')).toMatchObject({
      UserPoolId: ref('BackupUserPool'),
      ClientName: 'cognito-dr-replicator',
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const writes = props(replica, 'BackupReplicatorClient').WriteAttributes as string[];
    expect(writes).toContain('custom:source_sub');
    for (const custom of poolSchema.customAttributes) expect(writes).toContain(`custom:${custom.Name}`);
    expect(replica.Outputs?.BackupReplicatorClientId).toEqual({ Value: ref('BackupReplicatorClient') });
  });

  it('states the write attributes of every app client, and only the replicator may write custom:source_sub', () => {
    // What AWS deploys: the local stack only mirrors these lists into cognito-local.
    for (const [name, template] of [
      ['primary', primary],
      ['replica', replica],
    ] as const) {
      for (const [id, writes] of writeAttributesOf(template)) {
        expect({ name, id, stated: Array.isArray(writes) && writes.length > 0 }).toEqual({
          name,
          id,
          stated: true,
        });
        expect({ id, flags: writes?.filter((a) => a.endsWith('_verified')) }).toEqual({ id, flags: [] });
        const writesLink = writes?.includes('custom:source_sub') ?? false;
        expect({ id, writesLink }).toEqual({ id, writesLink: id === 'BackupReplicatorClient' });
      }
    }
  });

  it('lets app clients write only attributes the admin API accepts', () => {
    const writes = props(replica, 'BackupUserPoolClient').WriteAttributes as string[];
    for (const name of writes) expect({ name, ok: attributeRule(name).ok }).toEqual({ name, ok: true });
  });

  it('runs onPreSignUp for the backup pool, which Cognito may invoke for this pool only', () => {
    expect(props(replica, 'BackupUserPool').LambdaConfig).toMatchObject({
      PreSignUp: getAtt('OnPreSignUpLambdaFunction', 'Arn'),
    });
    const permissions = resourcesOfType(replica, 'AWS::Lambda::Permission').filter(
      ([, p]) =>
        JSON.stringify(p.Properties?.FunctionName) ===
        JSON.stringify(getAtt('OnPreSignUpLambdaFunction', 'Arn')),
    );
    expect(permissions.map(([, p]) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt('OnPreSignUpLambdaFunction', 'Arn'),
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: getAtt('BackupUserPool', 'Arn'),
      },
    ]);
    const env = (props(replica, 'OnPreSignUpLambdaFunction').Environment as { Variables: object }).Variables;
    expect(env).toMatchObject({ REPLICATOR_CLIENT_NAME: 'cognito-dr-replicator' });
  });

  it('lets the trigger list the pool clients (to know the replicator), nothing else', () => {
    // Besides what every function of the service may do: logs, X-Ray, reading region roles (standby or not).
    const statements = functionStatements(replica, 'OnPreSignUpLambdaFunction').filter(
      (s) =>
        !asList(s.Action).some((a) => a.startsWith('logs:') || a.startsWith('xray:')) &&
        JSON.stringify(s.Resource) !== JSON.stringify(CONTROL_TABLE_ARN),
    );
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['cognito-idp:ListUserPoolClients'],
        Resource: getAtt('BackupUserPool', 'Arn'),
      },
    ]);
  });

  it('lets the consumer and the repair read the replicator secret, and tells them the client', () => {
    for (const fn of ['OnUserRecordChangeLambdaFunction', 'OnRepairScheduleLambdaFunction']) {
      const statements = functionStatements(replica, fn);
      expect({ fn, actions: actionsOn(statements, getAtt('BackupUserPool', 'Arn')) }).toEqual({
        fn,
        actions: expect.arrayContaining(['cognito-idp:DescribeUserPoolClient']),
      });
      const env = (props(replica, fn).Environment as { Variables: object }).Variables;
      expect({ fn, env }).toMatchObject({ fn, env: { REPLICATOR_CLIENT_ID: ref('BackupReplicatorClient') } });
    }
  });
});

describe('the key of the user references in logs', () => {
  it('is generated in the primary region and replicated into the backup region', () => {
    expect(props(primary, 'UserRefKeySecret')).toMatchObject({
      Name: 'cognito-dr-prod-user-ref-key',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      ReplicaRegions: [{ Region: 'ap-northeast-1' }],
    });
    expect(primary.Outputs?.UserRefKeySecretArn).toEqual({ Value: ref('UserRefKeySecret') });
  });

  it('is readable by every function that logs users, in its own region only, and named in its environment', () => {
    // The replica's copy: the primary's secret name and suffix (compose passes its ARN), in this region.
    expect(
      (
        props(replica, 'OnUserRecordChangeLambdaFunction').Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables.USER_REF_KEY_SECRET_ARN,
    ).toEqual({
      'Fn::Sub': [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
        'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${NameAndSuffix}',
        {
          NameAndSuffix: {
            'Fn::Select': [
              6,
              {
                'Fn::Split': [
                  ':',
                  'arn:aws:secretsmanager:us-east-1:123456789012:secret:cognito-dr-prod-user-ref-key-AbCdEf',
                ],
              },
            ],
          },
        },
      ],
    });
    const replicaSecret = (
      props(replica, 'OnUserRecordChangeLambdaFunction').Environment as { Variables: Record<string, unknown> }
    ).Variables.USER_REF_KEY_SECRET_ARN;
    const readers: [Template, Set<string>, unknown][] = [
      [
        primary,
        new Set([
          ...[...apiRoutes(primary).values()].map(({ functionId }) => functionId ?? ''),
          'OnPostConfirmationLambdaFunction',
          'OnPostAuthenticationLambdaFunction',
          'OnUserMigrationLambdaFunction',
          'OnCognitoApiCallLambdaFunction',
          'OnUserRecordChangeLambdaFunction',
          'OnReconcileScheduleLambdaFunction',
        ]),
        ref('UserRefKeySecret'),
      ],
      [
        replica,
        new Set([
          'OnUserRecordChangeLambdaFunction',
          'OnPostConfirmationLambdaFunction',
          'OnCognitoApiCallLambdaFunction',
          'OnRepairScheduleLambdaFunction',
        ]),
        replicaSecret,
      ],
    ];
    for (const [template, logsUsers, secret] of readers) {
      for (const [fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
        const readsKey = logsUsers.has(fn);
        expect({ fn, actions: actionsOn(functionStatements(template, fn), secret) }).toEqual({
          fn,
          actions: readsKey ? ['secretsmanager:GetSecretValue'] : [],
        });
        if (!readsKey) continue;
        const env = (props(template, fn).Environment as { Variables: Record<string, unknown> }).Variables;
        expect({ fn, env: env.USER_REF_KEY_SECRET_ARN }).toEqual({ fn, env: secret });
      }
    }
  });
});

describe('replica: alarms', () => {
  it('alarms on lag, a non-empty DLQ, errors and throttles, to the topic', () => {
    const consumer = [{ Name: 'FunctionName', Value: ref('OnUserRecordChangeLambdaFunction') }];
    expect(alarmsOn(replica, 'AWS/Lambda', 'IteratorAge')).toEqual([
      expect.objectContaining({ Dimensions: consumer, Statistic: 'Maximum' }),
    ]);
    expect(alarmsOn(replica, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toContainEqual(
      expect.objectContaining({
        Dimensions: [{ Name: 'QueueName', Value: getAtt('ApplyDeadLetterQueue', 'QueueName') }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    expect(alarmsOn(replica, 'AWS/Lambda', 'Errors')).toEqual([
      expect.objectContaining({ Dimensions: consumer }),
    ]);
    expect(alarmsOn(replica, 'AWS/Lambda', 'Throttles')).toEqual([
      expect.objectContaining({ Dimensions: consumer }),
    ]);
    expect(props(replica, 'OnUserRecordChangeThrottlesAlarm').AlarmActions).toEqual([ref('TicketTopic')]);
  });

  it('alarms on any record held back for a reader or configuration to fix (EMF namespace CognitoDR, service replica)', () => {
    expect(props(replica, 'ApplyBlockedAlarm')).toMatchObject({
      Namespace: 'CognitoDR',
      MetricName: 'RecordsBlocked',
      Dimensions: [{ Name: 'service', Value: 'replica' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref('AlarmTopic')],
    });
  });
});

describe.each(['primary', 'replica'] as const)('%s: every template', (name) => {
  const template = () => (name === 'primary' ? primary : replica);

  it('has a page topic and a ticket topic, and every alarm notifies one of them when it fires and when it ends', () => {
    expect(
      resourcesOfType(template(), 'AWS::SNS::Topic')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['AlarmTopic', 'TicketTopic']);
    const alarms = resourcesOfType(template(), 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      const actions = alarm.Properties?.AlarmActions;
      expect({ id, actions }).toEqual({
        id,
        actions: expect.arrayContaining([
          expect.objectContaining({ Ref: expect.stringMatching(/^(Alarm|Ticket)Topic$/) }),
        ]),
      });
      expect({ id, ok: alarm.Properties?.OKActions }).toEqual({ id, ok: actions });
    }
  });

  it('alarms on every trigger of the pool failing or being throttled, summed, and pages', () => {
    const [, pool] = onlyResourceOfType(template(), 'AWS::Cognito::UserPool');
    const triggers = Object.values((pool.Properties?.LambdaConfig ?? {}) as Record<string, unknown>).map(
      (arn) => ((arn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ?? [])[0],
    );
    expect(triggers.length).toBeGreaterThan(2);
    for (const [alarmId, metric] of [
      ['TriggerErrorsAlarm', 'Errors'],
      ['TriggerThrottlesAlarm', 'Throttles'],
    ] as const) {
      const alarm = props(template(), alarmId);
      const metrics = alarm.Metrics as {
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: unknown }[] } };
      }[];
      expect(metrics.find((m) => m.Expression)?.Expression).toBe('SUM(METRICS())');
      const watched = metrics.filter((m) => m.MetricStat?.Metric.MetricName === metric);
      const functionOf = (m: (typeof watched)[number]) =>
        ((m.MetricStat?.Metric.Dimensions[0]?.Value ?? {}) as { Ref?: string }).Ref;
      expect(watched.map(functionOf).sort()).toEqual((triggers as string[]).sort());
      expect(alarm).toMatchObject({ Threshold: 0, AlarmActions: [ref('AlarmTopic')] });
    }
  });

  it("pages when the stream consumer's mapping stops running, or its heartbeat goes silent", () => {
    const [mapping] = onlyResourceOfType(template(), 'AWS::Lambda::EventSourceMapping');
    const heartbeat = props(template(), 'OnRolesHeartbeatLambdaFunction') as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(heartbeat.Environment.Variables.CONSUMER_MAPPING_UUID).toEqual(ref(mapping));
    expect(functionStatements(template(), 'OnRolesHeartbeatLambdaFunction')).toContainEqual({
      Effect: 'Allow',
      Action: ['lambda:GetEventSourceMapping'],
      Resource: {
        'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:event-source-mapping:\${${mapping}}`,
      },
    });
    expect(props(template(), 'ConsumerStalledAlarm')).toMatchObject({
      Namespace: 'CognitoDR',
      MetricName: 'ConsumerRunning',
      Dimensions: [{ Name: 'service', Value: name }],
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref('AlarmTopic')],
    });
  });

  it("pages when this region's pool posture is not what the roles say, and when both regions read themselves active", () => {
    for (const [alarmId, metricName, minutes] of [
      ['PostureMismatchAlarm', 'PostureMismatch', 3],
      ['RegionsBothActiveAlarm', 'RegionsBothActive', 2],
    ] as const) {
      expect(props(template(), alarmId)).toMatchObject({
        Namespace: 'CognitoDR',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: name }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: minutes,
        DatapointsToAlarm: minutes,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [ref('AlarmTopic')],
        OKActions: [ref('AlarmTopic')],
      });
    }
    const heartbeat = props(template(), 'OnRolesHeartbeatLambdaFunction') as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(heartbeat.Environment.Variables.USER_POOL_ID).toBeDefined();
    const statements = functionStatements(template(), 'OnRolesHeartbeatLambdaFunction');
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['cognito-idp:DescribeUserPool'] }));
    // The other region's replica of the control table, by its region (an alarm cannot read another region's metric).
    const other = name === 'primary' ? 'ap-northeast-1' : 'us-east-1';
    const controlReads = statements.filter(
      (statement) => JSON.stringify(statement.Action) === '["dynamodb:GetItem"]',
    );
    expect(JSON.stringify(controlReads)).toMatch(new RegExp(`dynamodb:${other}:.*table/cognito-dr-control-`));
  });

  it('pages when a parked message has waited a week, half the time its queue keeps it', () => {
    const queues = resourcesOfType(template(), 'AWS::SQS::Queue').map(([id]) => id);
    const alarm = props(template(), 'DeadLetterAgeAlarm');
    const metrics = alarm.Metrics as { MetricStat?: { Metric: { Dimensions: { Value: unknown }[] } } }[];
    const watched = metrics.flatMap((m) =>
      m.MetricStat
        ? [
            ((m.MetricStat.Metric.Dimensions[0]?.Value ?? {}) as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ??
              [],
          ]
        : [],
    );
    expect(watched.every(([, attribute]) => attribute === 'QueueName')).toBe(true);
    expect(watched.map(([id]) => id).sort()).toEqual([...queues].sort());
    for (const id of queues) {
      expect(props(template(), id).MessageRetentionPeriod).toBe(2 * (alarm.Threshold as number));
    }
  });

  it('grants no `*` action and no `*` resource, except the allow-listed ones', () => {
    const offences: string[] = [];
    for (const { owner, statement } of iamStatements(template())) {
      const actions = asList(statement.Action);
      if (statement.NotAction || statement.NotResource) offences.push(`${owner}: NotAction/NotResource`);
      for (const action of actions) {
        if (action === '*' || action.endsWith(':*')) offences.push(`${owner}: action ${action}`);
      }
      const wildcard = asList(statement.Resource as unknown[]).some((r) => r === '*');
      const unexplained = actions.filter((a) => !(a in WILDCARD_RESOURCE_ALLOWED));
      if (wildcard && unexplained.length > 0)
        offences.push(`${owner}: * resource for ${unexplained.join(', ')}`);
    }
    expect(offences).toEqual([]);
  });

  it('runs every function on nodejs22.x, arm64, traced only when asked (param tracing), in its own role', () => {
    const functions = resourcesOfType(template(), 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect({ id, ...fn.Properties }).toMatchObject({
        id,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'PassThrough' },
        Role: getAtt(id.replace(/LambdaFunction$/, 'IamRoleLambdaExecution'), 'Arn'),
      });
      expect(actionsOn(functionStatements(template(), id), '*')).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });

  it('keeps every log group for a bounded time', () => {
    for (const [id, group] of resourcesOfType(template(), 'AWS::Logs::LogGroup')) {
      expect({ id, retention: group.Properties?.RetentionInDays }).toEqual({ id, retention: 90 });
    }
  });

  it('has no dependency cycle', () => {
    expect(findCycle(dependencies(template()))).toBeNull();
  });

  it('zips every function, minified with its source map, in at most 300 KB (320 KB where nobody waits)', () => {
    const zips = packaged[name].zips;
    expect(Object.keys(zips).length).toBe(resourcesOfType(template(), 'AWS::Lambda::Function').length);
    const sizes = Object.entries(zips).map(([fn, bytes]) => `${fn} ${(bytes / 1024).toFixed(1)} KB`);
    process.stdout.write(`${name} bundles: ${sizes.join(', ')}\n`);
    const over = Object.entries(zips).filter(
      ([fn, bytes]) =>
        bytes > (BACKGROUND_FUNCTIONS.has(fn) ? BACKGROUND_BUNDLE_LIMIT_BYTES : BUNDLE_LIMIT_BYTES),
    );
    expect(over).toEqual([]);
  });
});

/** What app clients may write: pool-schema.json's user attributes and the custom ones marked writableByUsers. */
const USER_WRITABLE = (
  require('../../shared/pool-schema.cjs') as { userWritableAttributes: () => string[] }
).userWritableAttributes();

describe('region roles: standby posture, failover and failback', () => {
  each((name, template) => {
    it(`${name}: names where apps read the active pool, the parameter the switch commands write`, () => {
      expect(template().Outputs?.ActiveEndpointParameterName).toEqual({ Value: activeParameterName('prod') });
    });
  });

  it('users may write no link to a home sub and no attribute only administrators set', () => {
    expect(USER_WRITABLE).not.toContain('custom:source_sub');
    const adminOnly = (poolSchema.customAttributes as { Name: string; writableByUsers?: boolean }[]).filter(
      (a) => !a.writableByUsers,
    );
    expect(adminOnly.length).toBeGreaterThan(0);
    for (const { Name } of adminOnly) expect(USER_WRITABLE).not.toContain(`custom:${Name}`);
  });

  const clients = (template: Template) => resourcesOfType(template, 'AWS::Cognito::UserPoolClient');

  each((name, template) => {
    it(`${name}: every app client states what it may write, and none but a replicator may write the home-sub link`, () => {
      expect(clients(template()).length).toBeGreaterThan(0);
      for (const [id, client] of clients(template())) {
        const writes = client.Properties?.WriteAttributes as string[] | undefined;
        expect({ id, writes: Array.isArray(writes) }).toEqual({ id, writes: true });
        if (client.Properties?.ClientName === 'cognito-dr-replicator') continue;
        // Users may set only what they are allowed to: never custom:source_sub, never an administrator's attribute.
        expect({ id, writes }).toEqual({ id, writes: USER_WRITABLE });
      }
    });

    it(`${name}: the pool declares the home-sub link, so either pool can hold users created from the other's records`, () => {
      const pool = name === 'primary' ? 'UserPool' : 'BackupUserPool';
      const schema = props(template(), pool).Schema as { Name: string }[];
      expect(schema.map((a) => a.Name)).toEqual(
        expect.arrayContaining(poolSchema.linkAttributes.map((a) => a.Name)),
      );
    });

    it(`${name}: every function that reads region roles is told where, and may read only that item's table`, () => {
      const fn = name === 'primary' ? 'OnPostConfirmationLambdaFunction' : 'OnUserRecordChangeLambdaFunction';
      const env = (props(template(), fn).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({
        CONTROL_TABLE_NAME: 'cognito-dr-control-prod',
        PRIMARY_REGION: 'us-east-1',
        BACKUP_REGION: 'ap-northeast-1',
      });
      for (const { statement } of iamStatements(template())) {
        if (JSON.stringify(statement.Resource).includes('cognito-dr-control-prod')) {
          expect(asList(statement.Action)).toEqual(['dynamodb:GetItem']);
        }
      }
    });
  });

  each((name, template) => {
    it(`${name}: every trigger gives up within Cognito's own 5 s`, () => {
      const pool = name === 'primary' ? 'UserPool' : 'BackupUserPool';
      const triggers = Object.values(props(template(), pool).LambdaConfig as Record<string, unknown>);
      expect(triggers.length).toBeGreaterThan(0);
      for (const trigger of triggers) {
        const [functionId] = (trigger as { 'Fn::GetAtt': [string] })['Fn::GetAtt'];
        expect({ functionId, timeout: props(template(), functionId).Timeout }).toEqual({
          functionId,
          timeout: 5,
        });
      }
    });
  });

  each((name, template) => {
    it(`${name}: a dashboard shows the active region, lag, throughput, failures, dead letters and held deletions`, () => {
      const sub = (props(template(), 'Dashboard').DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
      // Every ${Resource} or ${Resource.Attribute} the body names exists in this template.
      for (const [, reference] of sub.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) {
        if (reference === undefined || reference === 'AWS') continue;
        expect({ reference, exists: reference in (template().Resources ?? {}) }).toEqual({
          reference,
          exists: true,
        });
      }
      const body = JSON.parse(sub.replace(/\$\{[^}]+\}/g, 'x'));
      const shown = JSON.stringify(
        body.widgets.map((w: { properties: { metrics: unknown } }) => w.properties.metrics),
      );
      for (const metricName of [
        'RegionActive',
        'IteratorAge',
        'ReplicationLag',
        'RecordsApplied',
        'RecordsFailed',
        'ApproximateNumberOfMessagesVisible',
        'DeletionsHeld',
      ]) {
        expect(shown).toContain(`"${metricName}"`);
      }
      const heartbeat = resourcesOfType(template(), 'AWS::Events::Rule').filter(([, rule]) =>
        JSON.stringify(rule.Properties?.Targets).includes('OnRolesHeartbeatLambdaFunction'),
      );
      expect(heartbeat.map(([, rule]) => rule.Properties?.ScheduleExpression)).toEqual(['rate(1 minute)']);
    });
  });

  it('the backup pool refuses sign-in on standby but for the migration client it finds by name', () => {
    expect(props(replica, 'BackupUserPool').LambdaConfig).toMatchObject({
      PreAuthentication: getAtt('OnPreAuthenticationLambdaFunction', 'Arn'),
    });
    expect(cognitoInvokePermissions(replica)).toContainEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt('OnPreAuthenticationLambdaFunction', 'Arn'),
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: getAtt('BackupUserPool', 'Arn'),
    });
    const env = (props(replica, 'OnPreAuthenticationLambdaFunction').Environment as { Variables: object })
      .Variables;
    expect(env).toMatchObject({ MIGRATION_CLIENT_NAME: props(replica, 'BackupMigrationClient').ClientName });
    // Listing the pool's clients is all it may do in the pool (granted apart: the pool names the function).
    expect(props(replica, 'OnPreSignUpPoolReadPolicy').Roles).toContainEqual(
      ref('OnPreAuthenticationIamRoleLambdaExecution'),
    );
  });

  it('the backup pool refuses messages on standby (CustomMessage) and captures only while active', () => {
    expect(props(replica, 'BackupUserPool').LambdaConfig).toMatchObject({
      PostConfirmation: getAtt('OnPostConfirmationLambdaFunction', 'Arn'),
      CustomMessage: getAtt('OnCustomMessageLambdaFunction', 'Arn'),
    });
    for (const permission of cognitoInvokePermissions(replica)) {
      expect(permission).toMatchObject({ SourceArn: getAtt('BackupUserPool', 'Arn') });
    }
    expect(props(replica, 'BackupMigrationClient')).toMatchObject({
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
    });
    expect(replica.Outputs?.BackupMigrationClientId).toEqual({ Value: ref('BackupMigrationClient') });
  });

  it('each region consumes its own stream, never its own records, and only the backup pool gets users created', () => {
    const mappings = (template: Template) =>
      resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties ?? {});
    const filterOf = (template: Template) =>
      (mappings(template)[0]?.FilterCriteria as { Filters: { Pattern: string }[] } | undefined)?.Filters.map(
        (f) => JSON.parse(f.Pattern),
      );
    expect(filterOf(primary)).toEqual([
      { dynamodb: { NewImage: { origin: { S: [{ 'anything-but': ['us-east-1'] }] } } } },
    ]);
    expect(filterOf(replica)).toEqual([
      { dynamodb: { NewImage: { origin: { S: [{ 'anything-but': ['ap-northeast-1'] }] } } } },
    ]);
    expect(mappings(primary)[0]).toMatchObject({
      EventSourceArn: getAtt('ReplicationTable', 'StreamArn'),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      ParallelizationFactor: 1,
    });
    const primaryEnv = (
      props(primary, 'OnUserRecordChangeLambdaFunction').Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(primaryEnv).toMatchObject({ USER_POOL_ID: ref('UserPool'), CREATE_MISSING: 'false' });
    const statements = functionStatements(primary, 'OnUserRecordChangeLambdaFunction');
    const poolActions = actionsOn(statements, getAtt('UserPool', 'Arn'));
    expect(poolActions).not.toContain('cognito-idp:AdminCreateUser');
    expect(poolActions).not.toContain('cognito-idp:SignUp');
    expect(poolActions).not.toContain('cognito-idp:AdminSetUserPassword');
  });

  it('lets the consumer of either region make a group what its record says: create, read, update, delete', () => {
    for (const [template, pool] of [
      [primary, getAtt('UserPool', 'Arn')],
      [replica, getAtt('BackupUserPool', 'Arn')],
    ] as const) {
      const actions = actionsOn(functionStatements(template, 'OnUserRecordChangeLambdaFunction'), pool);
      expect(actions.filter((action) => /^cognito-idp:[A-Z][a-z]*Group$/.test(action))).toEqual([
        'cognito-idp:CreateGroup',
        'cognito-idp:DeleteGroup',
        'cognito-idp:GetGroup',
        'cognito-idp:UpdateGroup',
      ]);
    }
  });
});

describe('deletion protection in prod', () => {
  each((name, template) => {
    it(`${name}: every user pool is ACTIVE`, () => {
      const pools = resourcesOfType(template(), 'AWS::Cognito::UserPool');
      expect(pools.length).toBe(1);
      for (const [, pool] of pools) expect(pool.Properties?.DeletionProtection).toBe('ACTIVE');
    });
  });
});

/** Resource types that hold users: they must outlive their stack in prod. */
const STATEFUL_TYPES = ['AWS::Cognito::UserPool', 'AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table'];

describe('retained data in prod', () => {
  it.each([
    ['primary', 'UserPool'],
    ['primary', 'ReplicationTable'],
    ['primary', 'ControlTable'],
    ['primary', 'StateTable'],
    ['replica', 'BackupUserPool'],
    ['replica', 'StateTable'],
  ] as const)('%s: %s is retained on stack deletion and on replacement', (name, logicalId) => {
    const resource = (name === 'primary' ? primary : replica).Resources[logicalId];
    expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  each((name, template) => {
    it(`${name}: every pool and table is retained, including ones added later`, () => {
      const stateful = Object.entries(template().Resources).filter(([, r]) =>
        STATEFUL_TYPES.includes(r.Type),
      );
      expect(stateful.length).toBeGreaterThan(0);
      for (const [id, resource] of stateful) {
        expect({ id, deletion: resource.DeletionPolicy, replace: resource.UpdateReplacePolicy }).toEqual({
          id,
          deletion: 'Retain',
          replace: 'Retain',
        });
      }
    });
  });
});

describe('pool plan and email sender in prod, by default', () => {
  it('runs both pools on the LITE plan', () => {
    expect(props(primary, 'UserPool').UserPoolTier).toBe('LITE');
    expect(props(replica, 'BackupUserPool').UserPoolTier).toBe('LITE');
  });

  it("keeps Cognito's own email sender on both pools until an SES identity is set", () => {
    expect(props(primary, 'UserPool').EmailConfiguration).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });
    expect(props(replica, 'BackupUserPool').EmailConfiguration).toEqual({
      EmailSendingAccount: 'COGNITO_DEFAULT',
    });
  });
});

describe('serverless-compose.yml', () => {
  const compose = () =>
    parse(readFileSync(join(ROOT, 'serverless-compose.yml'), 'utf8')) as {
      services: Record<string, { path: string; region?: string; params?: Record<string, string> }>;
    };

  it('feeds the replica only outputs the primary stack has', () => {
    const referenced =
      JSON.stringify(compose().services.replica).match(/\$\{primary\.([A-Za-z0-9]+)\}/g) ?? [];
    expect(referenced.length).toBeGreaterThan(0);
    for (const variable of referenced) {
      const output = variable.slice('${primary.'.length, -1);
      expect({ output, declared: output in (primary.Outputs ?? {}) }).toEqual({ output, declared: true });
    }
  });

  it('passes the replica only params it reads, deploys it to the backup region, and reads the rest alone', () => {
    const replicaConfig = readServerlessYml<{ params: { default: Record<string, unknown> } }>(
      join(ROOT, 'services', 'replica', 'serverless.yml'),
    );
    // What the replica reads from the primary stack when compose is not there to pass it: the same names.
    const readAlone: string[] = require(
      join(ROOT, 'services', 'replica', 'resources', 'from-primary.cjs'),
    ).params;
    expect(readAlone).toEqual(expect.arrayContaining(['primaryUserPoolId', 'backupPoolMode']));
    const service = compose().services.replica;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose variable, not a JS template
    expect(service?.region).toBe('${primary.BackupRegion}');
    const passed = Object.keys(service?.params ?? {});
    expect(passed).toEqual(
      expect.arrayContaining(['tableName', 'primaryRegion', 'primaryUserPoolId', 'userRefKeySecretArn']),
    );
    for (const name of passed) {
      expect({ name, read: name in replicaConfig.params.default || readAlone.includes(name) }).toEqual({
        name,
        read: true,
      });
    }
    // Each value the replica would otherwise read from the primary stack is one compose passes, but the posture,
    // which follows the published active pool.
    expect(readAlone.filter((name) => name !== 'backupPoolMode').sort()).toEqual(
      passed.filter((name) => !(name in replicaConfig.params.default)).sort(),
    );
  });
});

const STATE_TABLE_ARN = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
  'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/cognito-dr-state-prod',
};

/** What both runs do in the state table: their lease, and the checkpoint in transactions that check it. */
const RUN_STATE_ACTIONS = [
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
];

/** The scheduled bulk runs: reconcile in the primary region, repair in the backup region. */
const RUNS = [
  {
    name: 'reconcile',
    template: () => primary,
    fn: 'OnReconcileScheduleLambdaFunction',
    queue: 'ReconcileFailureQueue',
    pool: getAtt('UserPool', 'Arn'),
    poolActions: [
      'AdminGetUser',
      'AdminListGroupsForUser',
      'GetGroup',
      'ListGroups',
      'ListUsers',
      'ListUsersInGroup',
    ],
    tableActions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
    stateActions: RUN_STATE_ACTIONS,
  },
  {
    name: 'repair',
    template: () => replica,
    fn: 'OnRepairScheduleLambdaFunction',
    queue: 'RepairFailureQueue',
    pool: getAtt('BackupUserPool', 'Arn'),
    poolActions: [
      'AdminAddUserToGroup',
      'AdminConfirmSignUp',
      'AdminCreateUser',
      'AdminDeleteUser',
      'AdminDeleteUserAttributes',
      'AdminDisableProviderForUser',
      'AdminDisableUser',
      'AdminEnableUser',
      'AdminGetUser',
      'AdminLinkProviderForUser',
      'AdminListGroupsForUser',
      'AdminRemoveUserFromGroup',
      'AdminSetUserMFAPreference',
      'AdminSetUserPassword',
      'AdminUpdateUserAttributes',
      'CreateGroup',
      'DeleteGroup',
      'DescribeUserPool',
      // The replicator client's secret: missing users are created with one SignUp each.
      'DescribeUserPoolClient',
      'GetGroup',
      'ListGroups',
      'ListUsers',
      'ListUsersInGroup',
      'UpdateGroup',
    ],
    tableActions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Scan'],
    // The deletion breaker's window counters too (UpdateItem's atomic ADD).
    stateActions: [...RUN_STATE_ACTIONS, 'dynamodb:UpdateItem'],
  },
];

describe.each(RUNS)('$name: one run at a time, whatever the account', (run) => {
  it('reserves no concurrency (a first deploy at the default account limit of 10 would fail): a lease does its job', () => {
    expect(props(run.template(), run.fn).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('holds its lease and checkpoints in the state table with exactly the calls it makes', () => {
    const statements = functionStatements(run.template(), run.fn);
    expect(actionsOn(statements, STATE_TABLE_ARN)).toEqual(run.stateActions);
    const env = (props(run.template(), run.fn).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.STATE_TABLE_NAME).toBe('cognito-dr-state-prod');
    // Half of each quota category unless the quotaShare / cognitoRps parameters say otherwise.
    expect(String(env.QUOTA_SHARE)).toBe('0.5');
    expect(env.COGNITO_RPS).toBe('');
  });

  it('reads its pool and the table with exactly the calls it makes', () => {
    const statements = functionStatements(run.template(), run.fn);
    expect(actionsOn(statements, run.pool)).toEqual(
      run.poolActions.map((action) => `cognito-idp:${action}`).sort(),
    );
    expect(actionsOn(statements, TABLE_ARN_IN_STACK_REGION)).toEqual(run.tableActions);
  });

  it('lists the group records through the table index, with a query and nothing else', () => {
    const onIndex = functionStatements(run.template(), run.fn).filter((st) =>
      JSON.stringify(st.Resource).includes('/index/byUsernameLower'),
    );
    expect(onIndex.flatMap((st) => asList(st.Action))).toEqual(['dynamodb:Query']);
  });

  it('sends failed asynchronous invocations to an encrypted queue it may write, with an alarm on its depth', () => {
    const [, config] = resourcesOfType(run.template(), 'AWS::Lambda::EventInvokeConfig').find(
      ([, resource]) => JSON.stringify(resource.Properties?.FunctionName) === JSON.stringify(ref(run.fn)),
    ) ?? [undefined, undefined];
    expect(config?.Properties).toMatchObject({
      DestinationConfig: { OnFailure: { Destination: getAtt(run.queue, 'Arn') } },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 3600,
    });
    expect(props(run.template(), run.queue).SqsManagedSseEnabled).toBe(true);
    expect(actionsOn(functionStatements(run.template(), run.fn), getAtt(run.queue, 'Arn'))).toEqual([
      'sqs:SendMessage',
    ]);
    const alarms = alarmsOn(run.template(), 'AWS/SQS', 'ApproximateNumberOfMessagesVisible').filter(
      (alarm) =>
        JSON.stringify(alarm.Dimensions) ===
        JSON.stringify([{ Name: 'QueueName', Value: getAtt(run.queue, 'QueueName') }]),
    );
    expect(alarms).toHaveLength(1);
  });
});

describe('no reserved concurrency anywhere', () => {
  each((name, template) => {
    it(`${name}: no function reserves concurrency`, () => {
      const reserving = resourcesOfType(template(), 'AWS::Lambda::Function').filter(
        ([, fn]) => fn.Properties?.ReservedConcurrentExecutions !== undefined,
      );
      expect(reserving.map(([id]) => id)).toEqual([]);
    });
  });
});

describe('replica: the scheduled repair', () => {
  it('runs daily by default, from the table replica and backup pool of its own region only', () => {
    const schedules = resourcesOfType(replica, 'AWS::Events::Rule')
      .map(([, rule]) => rule.Properties ?? {})
      .filter(
        (r) => r.ScheduleExpression && JSON.stringify(r.Targets).includes('OnRepairScheduleLambdaFunction'),
      );
    expect(schedules.map((r) => r.ScheduleExpression)).toEqual(['rate(1 day)']);
    const env = (props(replica, 'OnRepairScheduleLambdaFunction').Environment as { Variables: object })
      .Variables;
    expect(env).toMatchObject({
      TABLE_NAME: 'cognito-dr-users-prod',
      USER_POOL_ID: ref('BackupUserPool'),
    });
    expect(replica.Outputs?.ReplicationTableName).toEqual({ Value: 'cognito-dr-users-prod' });
  });
});

describe('the deletion breaker', () => {
  const BREAKERS = [
    {
      name: 'primary consumer',
      template: () => primary,
      fn: 'OnUserRecordChangeLambdaFunction',
      pool: 'UserPool',
    },
    {
      name: 'replica consumer',
      template: () => replica,
      fn: 'OnUserRecordChangeLambdaFunction',
      pool: 'BackupUserPool',
    },
    {
      name: 'repair',
      template: () => replica,
      fn: 'OnRepairScheduleLambdaFunction',
      pool: 'BackupUserPool',
      // Its lease's condition, checked in the checkpoint's transactions.
      besides: ['dynamodb:ConditionCheckItem'],
    },
  ];

  it.each(BREAKERS)(
    '$name: deletes through the breaker, configured by the three parameters',
    ({ template, fn }) => {
      const env = (props(template(), fn).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({ STATE_TABLE_NAME: 'cognito-dr-state-prod' });
      // More than max(10, 1 %) within 5 minutes, unless deleteBreaker* say otherwise.
      expect(
        [env.DELETE_BREAKER_MINIMUM, env.DELETE_BREAKER_PERCENT, env.DELETE_BREAKER_WINDOW_MINUTES].map(
          Number,
        ),
      ).toEqual([10, 1, 5]);
    },
  );

  it.each(BREAKERS)(
    '$name: may read its pool size, count in the state table and keep holds there, nothing more',
    ({ template, fn, pool, besides }) => {
      const statements = functionStatements(template(), fn);
      expect(actionsOn(statements, getAtt(pool, 'Arn'))).toContain('cognito-idp:DescribeUserPool');
      expect(actionsOn(statements, STATE_TABLE_ARN)).toEqual([
        ...(besides ?? []),
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
    },
  );

  each((name, template) => {
    it(`${name}: alarms to the topic on any DeletionsHeld (EMF namespace CognitoDR, service ${name})`, () => {
      expect(alarmsOn(template(), 'CognitoDR', 'DeletionsHeld')).toEqual([
        expect.objectContaining({
          Dimensions: [{ Name: 'service', Value: name }],
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [ref('AlarmTopic')],
        }),
      ]);
    });
  });
});

describe('a first prod deploy in a fresh account', () => {
  const conventions = require('../../shared/stack-conventions.cjs') as {
    TAGGABLE_TYPES: string[];
    UNTAGGABLE_TYPES: string[];
  };
  const stackConfig = (name: 'primary' | 'replica') =>
    JSON.parse(readFileSync(join(packaged[name].dir, 'serverless-state.json'), 'utf8')).service as {
      service: string;
      provider: { stackTags: Record<string, string>; stackPolicy: Record<string, unknown>[] };
    };
  const tagsOf = (resource: { Type: string; Properties?: Record<string, unknown> }) => {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::Cognito::UserPool') return [p.UserPoolTags as Record<string, string>];
    const lists =
      resource.Type === 'AWS::DynamoDB::GlobalTable'
        ? (p.Replicas as { Tags?: { Key: string; Value: string }[] }[]).map((r) => r.Tags)
        : [p.Tags as { Key: string; Value: string }[] | undefined];
    return lists.map((list) => Object.fromEntries((list ?? []).map((t) => [t.Key, t.Value])));
  };

  each((name, template) => {
    it(`${name}: every resource that takes tags carries the stack's, and every resource type is known either way`, () => {
      const tags = stackConfig(name).provider.stackTags;
      expect(tags).toEqual({ STAGE: 'prod', application: 'cognito-dr', service: `cognito-dr-${name}` });
      const unknownTypes = new Set<string>();
      let tagged = 0;
      for (const [id, resource] of Object.entries(template().Resources)) {
        if (conventions.TAGGABLE_TYPES.includes(resource.Type)) {
          for (const own of tagsOf(resource)) expect({ id, tags: own }).toEqual({ id, tags });
          tagged += 1;
        } else if (
          !conventions.UNTAGGABLE_TYPES.includes(resource.Type) &&
          !resource.Type.startsWith('Custom::')
        ) {
          unknownTypes.add(resource.Type);
        }
      }
      // A new resource type must be listed in shared/stack-conventions.cjs as taking tags or not.
      expect([...unknownTypes]).toEqual([]);
      expect(tagged).toBeGreaterThan(20);
    });

    it(`${name}: the stack policy lets an update change anything but replace or remove a pool or a table`, () => {
      const policy = stackConfig(name).provider.stackPolicy as {
        Effect: string;
        Action: string | string[];
        Resource: string;
        Condition?: { StringEquals: { ResourceType: string[] } };
      }[];
      // Evaluated as CloudFormation does: an explicit Deny wins; otherwise an Allow is needed.
      const allowed = (action: string, type: string) => {
        const applies = (s: (typeof policy)[number]) =>
          asList(s.Action).some(
            (a) => a === action || (a.endsWith(':*') && action.startsWith(a.slice(0, -1))),
          ) &&
          s.Resource === '*' &&
          (!s.Condition || s.Condition.StringEquals.ResourceType.includes(type));
        if (policy.some((s) => s.Effect === 'Deny' && applies(s))) return false;
        return policy.some((s) => s.Effect === 'Allow' && applies(s));
      };
      const stateful = Object.values(template().Resources).filter((r) =>
        ['AWS::Cognito::UserPool', 'AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table'].includes(r.Type),
      );
      expect(stateful.length).toBeGreaterThan(0);
      for (const { Type } of stateful) {
        expect([Type, allowed('Update:Modify', Type)]).toEqual([Type, true]);
        expect([Type, allowed('Update:Replace', Type)]).toEqual([Type, false]);
        expect([Type, allowed('Update:Delete', Type)]).toEqual([Type, false]);
      }
      for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::CloudWatch::Alarm']) {
        expect([type, allowed('Update:Replace', type), allowed('Update:Delete', type)]).toEqual([
          type,
          true,
          true,
        ]);
      }
    });
  });

  it('pins frameworkVersion to the osls that package.json installs (osls numbers itself 4.x, so not "3")', () => {
    const pin = (require('../../package.json') as { devDependencies: Record<string, string> }).devDependencies
      .serverless;
    const installed = require('serverless/package.json') as { name: string; version: string };
    expect(pin).toBe(`npm:osls@${installed.version}`);
    expect(installed.name).toBe('osls');
    for (const service of ['primary', 'replica']) {
      const yml = readServerlessYml<{ frameworkVersion: string }>(
        join(ROOT, 'services', service, 'serverless.yml'),
      );
      expect([service, yml.frameworkVersion]).toEqual([service, installed.version]);
    }
  });
});
