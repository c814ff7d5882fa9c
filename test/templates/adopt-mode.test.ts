import { TRIGGER_SLOTS } from '@cognito-dr/adopt';
import { identifiersOf } from '@cognito-dr/failover';
import {
  asList,
  conditionHolds,
  dependencies,
  findCycle,
  functionStatements,
  getAtt,
  iamStatements,
  isCreated,
  packageService,
  printService,
  props,
  resourcesOfType,
  type Template,
} from './support/template';

const POOL = 'us-east-1_Example1';
const THEIR_PRE_SIGN_UP = 'arn:aws:lambda:us-east-1:123456789012:function:shop-validate-sign-up';
const THEIR_POST_CONFIRMATION = 'arn:aws:lambda:us-east-1:123456789012:function:shop-welcome';
const POOL_ARN = {
  'Fn::Sub': `arn:\${AWS::Partition}:cognito-idp:\${AWS::Region}:\${AWS::AccountId}:userpool/${POOL}`,
};
const ADOPT_PARAMS = {
  primaryUserPoolId: POOL,
  adoptedPreSignUp: THEIR_PRE_SIGN_UP,
  adoptedPostConfirmation: THEIR_POST_CONFIRMATION,
};
// The slots the adopt module takes in a pool: the template must give each of them our trigger.
const TRIGGERS = TRIGGER_SLOTS;

let primary: Template;

beforeAll(() => {
  primary = packageService('primary', { stage: 'prod', region: 'us-east-1', params: ADOPT_PARAMS }).template;
}, 240_000);

const created = (template: Template) =>
  Object.entries(template.Resources).filter(([, resource]) => isCreated(template, resource));

describe('primary in adopt mode', () => {
  it('creates no pool: the adopted one is checked and given our triggers by the AdoptedUserPool custom resource', () => {
    expect(conditionHolds(primary, 'AdoptsPool')).toBe(true);
    expect(created(primary).filter(([, r]) => r.Type === 'AWS::Cognito::UserPool')).toEqual([]);
    const adopted = primary.Resources.AdoptedUserPool;
    expect(adopted?.Type).toBe('Custom::AdoptedUserPool');
    expect(isCreated(primary, adopted as never)).toBe(true);
    expect(props(primary, 'AdoptedUserPool')).toMatchObject({
      ServiceToken: getAtt('OnAdoptedPoolLambdaFunction', 'Arn'),
      UserPoolId: POOL,
      Region: { Ref: 'AWS::Region' },
      TheirTriggers: {
        PreSignUp: THEIR_PRE_SIGN_UP,
        PostConfirmation: THEIR_POST_CONFIRMATION,
        CustomMessage: '',
        PreAuthentication: '',
        UserMigration: '',
        PostAuthentication: '',
      },
      Link: { Name: 'source_sub', AttributeDataType: 'String' },
    });
    // Installed only once Cognito may invoke them; every deploy checks the pool again.
    expect(adopted?.DependsOn).toEqual(TRIGGERS.map((t) => `On${t}CognitoPermission`));
    const ours = props(primary, 'AdoptedUserPool').OurTriggers as Record<string, unknown>;
    for (const trigger of TRIGGERS) {
      expect(ours[trigger]).toEqual({
        'Fn::If': ['InstallsTriggers', getAtt(`On${trigger}LambdaFunction`, 'Arn'), ''],
      });
    }
    expect(conditionHolds(primary, 'InstallsTriggers')).toBe(true);
  });

  it('lets Cognito invoke our triggers for the adopted pool only', () => {
    const permissions = resourcesOfType(primary, 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties?.Principal === 'cognito-idp.amazonaws.com',
    );
    expect(permissions.map(([id]) => id).sort()).toEqual(
      TRIGGERS.map((t) => `On${t}CognitoPermission`).sort(),
    );
    for (const [, permission] of permissions) expect(permission.Properties?.SourceArn).toEqual(POOL_ARN);
  });

  it("lets each of our triggers call the pool's own trigger of its slot, and nothing else", () => {
    const invoking = iamStatements(primary).filter(({ statement }) =>
      asList(statement.Action).includes('lambda:InvokeFunction'),
    );
    const byOwner = Object.fromEntries(invoking.map(({ owner, statement }) => [owner, statement.Resource]));
    expect(byOwner).toMatchObject({
      InvokesPreSignUpOfAdoptedPool: THEIR_PRE_SIGN_UP,
      InvokesPostConfirmationOfAdoptedPool: THEIR_POST_CONFIRMATION,
    });
    expect(props(primary, 'InvokesPreSignUpOfAdoptedPool').Roles).toEqual([
      { Ref: 'OnPreSignUpIamRoleLambdaExecution' },
    ]);
    // Slots without a trigger of theirs get no grant at all.
    for (const slot of ['CustomMessage', 'PreAuthentication', 'UserMigration', 'PostAuthentication']) {
      expect(isCreated(primary, primary.Resources[`Invokes${slot}OfAdoptedPool`] as never)).toBe(false);
    }
    expect(props(primary, 'OnPreSignUpLambdaFunction').Environment).toMatchObject({
      Variables: { ADOPTED_TRIGGER_ARN: THEIR_PRE_SIGN_UP },
    });
    expect(props(primary, 'OnCustomMessageLambdaFunction').Environment).toMatchObject({
      Variables: { ADOPTED_TRIGGER_ARN: '' },
    });
  });

  it("grants every Cognito action on exactly the adopted pool's ARN, built from the param", () => {
    const cognito = iamStatements(primary).filter(({ statement }) =>
      asList(statement.Action).some((action) => action.startsWith('cognito-idp:')),
    );
    expect(cognito.length).toBeGreaterThan(10);
    for (const { owner, statement } of cognito) {
      const resources = asList(statement.Resource as unknown);
      // The backup pool (GET /users, migration) is the other region's; everything else is the adopted pool.
      const own = resources.filter((r) => !JSON.stringify(r).includes(':ap-northeast-1:'));
      for (const resource of own) expect({ owner, resource }).toEqual({ owner, resource: POOL_ARN });
    }
    expect(JSON.stringify(primary.Resources.AdminApiAuthorizer)).toContain(JSON.stringify(POOL_ARN));
  });

  it('the custom resource may only describe the pool, update it, and add the link attribute', () => {
    const own = functionStatements(primary, 'OnAdoptedPoolLambdaFunction').filter((s) =>
      asList(s.Action).some((a) => a.startsWith('cognito-idp:')),
    );
    expect(own).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'cognito-idp:DescribeUserPool',
          'cognito-idp:UpdateUserPool',
          'cognito-idp:AddCustomAttributes',
        ],
        Resource: POOL_ARN,
      },
    ]);
  });

  it("adds its admin client and group to the pool after the pool's check, and says what the backup must be", () => {
    for (const id of ['UserPoolClient', 'AdminGroup']) {
      expect(props(primary, id).UserPoolId).toEqual(getAtt('AdoptedUserPool', 'UserPoolId'));
    }
    // None of the demo's custom attributes: Cognito's default (the standard attributes), never the link.
    expect(props(primary, 'UserPoolClient').WriteAttributes).toEqual({ Ref: 'AWS::NoValue' });
    expect(primary.Outputs?.UserPoolId?.Value).toBe(POOL);
    expect(primary.Outputs?.UserPoolArn?.Value).toEqual(POOL_ARN);
    expect(primary.Outputs?.PrimaryPoolShape?.Value).toEqual(getAtt('AdoptedUserPool', 'PoolShape'));
  });

  it('has no dependency cycle, and every reference is to a resource that is created', () => {
    expect(findCycle(dependencies(primary))).toBeNull();
    const existing = new Set(created(primary).map(([id]) => id));
    for (const [id, edges] of dependencies(primary)) {
      if (!existing.has(id)) continue;
      // A reference inside Fn::If may name a resource of the other mode; those are checked by the If's condition.
      const text = JSON.stringify(primary.Resources[id]);
      for (const target of edges) {
        if (!existing.has(target))
          expect({ id, target, guarded: text.includes('Fn::If') }).toEqual({ id, target, guarded: true });
      }
    }
  });
});

describe('adopt mode params, refused when packaged', () => {
  const refused = (params: Record<string, string>) => {
    try {
      printService('primary', { backupUserPoolId: 'x', backupMigrationClientId: 'y', ...params });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the params to be refused');
  };

  it.each([
    [
      { primaryUserPoolId: 'eu-west-1_Example1' },
      /primaryUserPoolId: eu-west-1_Example1 is a pool of eu-west-1, but primaryRegion is us-east-1: set primaryRegion to eu-west-1/,
    ],
    [{ primaryUserPoolId: 'Example1' }, /primaryUserPoolId: "Example1" is not a user pool id/],
    [
      { primaryUserPoolId: POOL, adoptedPreSignUp: 'arn:aws:lambda:eu-west-1:123456789012:function:x' },
      /adoptedPreSignUp: .* is a function of eu-west-1; a pool's triggers are functions of its own region, us-east-1/,
    ],
    [
      { primaryUserPoolId: POOL, adoptedCustomMessage: 'my-function' },
      /adoptedCustomMessage: "my-function" is not a Lambda function ARN/,
    ],
    [
      { adoptedPreSignUp: THEIR_PRE_SIGN_UP },
      /adoptedPreSignUp: names a trigger of an adopted pool's own: set primaryUserPoolId too/,
    ],
    [{ primaryUserPoolId: POOL, installTriggers: 'maybe' }, /installTriggers: must be true or false/],
  ])('%j', (params, message) => {
    expect(refused(params)).toMatch(message);
  });

  it('installTriggers false leaves the pool its own triggers (CloudTrail capture alone)', () => {
    const printed = printService('primary', {
      backupUserPoolId: 'x',
      backupMigrationClientId: 'y',
      primaryUserPoolId: POOL,
      installTriggers: 'false',
    });
    const template = printed.resources as unknown as Template;
    expect(conditionHolds(template, 'AdoptsPool')).toBe(true);
    expect(conditionHolds(template, 'InstallsTriggers')).toBe(false);
  });
});

describe('replica with an adopted primary', () => {
  const SHAPE = {
    usernameAttributes: ['email'],
    aliasAttributes: [],
    caseSensitive: false,
    standardAttributes: [
      { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
      { Name: 'preferred_username', AttributeDataType: 'String', Mutable: false, Required: false },
    ],
  };
  const replica = (shape: unknown = SHAPE, params: Record<string, string> = {}) =>
    printService('replica', {
      userRefKeySecretArn:
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:cognito-dr-prod-user-ref-key-AbCdEf',
      primaryUserPoolId: POOL,
      primaryPoolShape: typeof shape === 'string' ? shape : JSON.stringify(shape),
      ...params,
    }) as unknown as {
      resources: Template;
      functions: Record<
        string,
        { iamRoleStatements?: { Action: string[]; Resource: unknown }[]; events?: unknown[] }
      >;
    };

  it('creates the backup pool with what the primary was created with, and the link; no demo attribute', () => {
    const printed = replica();
    const pool = printed.resources.Resources.BackupUserPool?.Properties ?? {};
    expect(pool.UsernameAttributes).toEqual(['email']);
    expect(pool.UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect((pool.Schema as { Name: string }[]).map((a) => a.Name)).toEqual([
      'email',
      'preferred_username',
      'source_sub',
    ]);
    const write = (id: string) => printed.resources.Resources[id]?.Properties?.WriteAttributes as string[];
    expect(write('BackupUserPoolClient')).toEqual(['email', 'name']);
    expect(write('BackupMigrationClient')).toEqual(['email', 'name']);
    expect(write('BackupReplicatorClient')).toContain('custom:source_sub');
    for (const id of ['BackupUserPoolClient', 'BackupMigrationClient', 'BackupReplicatorClient']) {
      expect(
        write(id).filter((a) => ['custom:tier', 'custom:tenant_id', 'custom:plan_seats'].includes(a)),
      ).toEqual([]);
    }
    expect(write('BackupUserPoolClient')).not.toContain('custom:source_sub');
  });

  it('deployed active, verifies what the adopted pool signs users in with, as failover sets it', () => {
    const phone = { ...SHAPE, usernameAttributes: ['phone_number'] };
    const verified = (shape: unknown, backupPoolMode: string) =>
      replica(shape, { backupPoolMode }).resources.Resources.BackupUserPool?.Properties
        ?.AutoVerifiedAttributes;
    expect(verified(phone, 'active')).toEqual(identifiersOf({ UsernameAttributes: ['phone_number'] }));
    // Standby verifies nothing whatever the shape (prod-templates: sends users nothing while on standby).
    expect(verified({ ...SHAPE, usernameAttributes: ['email', 'phone_number'] }, 'active')).toEqual([
      'email',
      'phone_number',
    ]);
  });

  it('compares configurations on a schedule, reading only, on exactly the two pools', () => {
    const check = replica().functions.onConfigurationCheck;
    expect(check?.events).toEqual([{ schedule: 'rate(1 hour)' }]);
    expect(check?.iamRoleStatements).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'cognito-idp:DescribeUserPool',
          'cognito-idp:GetUserPoolMfaConfig',
          'cognito-idp:ListUserPoolClients',
          'cognito-idp:DescribeUserPoolClient',
          'cognito-idp:ListGroups',
          'cognito-idp:ListResourceServers',
          'cognito-idp:ListIdentityProviders',
          'cognito-idp:DescribeIdentityProvider',
        ],
        Resource: [
          getAtt('BackupUserPool', 'Arn'),
          { 'Fn::Sub': `arn:\${AWS::Partition}:cognito-idp:us-east-1:\${AWS::AccountId}:userpool/${POOL}` },
        ],
      },
    ]);
    expect(replica().resources.Resources.ConfigurationDriftAlarm?.Properties).toMatchObject({
      Namespace: 'CognitoDR',
      MetricName: 'ConfigurationDrift',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it.each([
    ['not JSON', '{email'],
    ['sign-in attributes Cognito does not have', { ...SHAPE, usernameAttributes: ['nickname'] }],
    ['both sign-in and alias attributes', { ...SHAPE, aliasAttributes: ['preferred_username'] }],
    ['a custom attribute among the standard ones', { ...SHAPE, standardAttributes: [{ Name: 'custom:x' }] }],
  ])('refuses a shape with %s, naming the param', (_, shape) => {
    expect(() => replica(shape)).toThrow(/param primaryPoolShape: .*PrimaryPoolShape output/);
  });
});
