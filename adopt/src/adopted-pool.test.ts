// Adopting a production pool and letting it go: cognito-dr's triggers go in front of the pool's own, every other
// setting is handed back as it was, nothing undeclared is overwritten, and releasing restores the pool's triggers
// exactly. Against a fake whose UpdateUserPool resets whatever it is not given, as Cognito's does.
import type { LambdaConfigType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import {
  FakeCognitoConfiguration,
  standardSchema,
} from '@cognito-dr/shared/src/testing/fake-pool-configuration';
import { type Adoption, AdoptionError, adoptPool, checkPoolRegion, releasePool } from './adopted-pool';
import { type AdoptedPoolEvent, onAdoptedPool } from './handlers/on-adopted-pool';
import { planInstall, planRemoval } from './pool-triggers';
import { TRIGGER_SLOTS } from './trigger-slots';

const POOL = 'us-east-1_Production';
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const OURS = {
  PreSignUp: fn('cognito-dr-primary-prod-onPreSignUp'),
  CustomMessage: fn('cognito-dr-primary-prod-onCustomMessage'),
  PreAuthentication: fn('cognito-dr-primary-prod-onPreAuthentication'),
  UserMigration: fn('cognito-dr-primary-prod-onUserMigration'),
  PostAuthentication: fn('cognito-dr-primary-prod-onPostAuthentication'),
  PostConfirmation: fn('cognito-dr-primary-prod-onPostConfirmation'),
};
const THEIR_CONFIG: LambdaConfigType = {
  PreSignUp: fn('shop-validate-sign-up'),
  PostConfirmation: fn('shop-welcome'),
  PreTokenGeneration: fn('shop-claims'),
  PreTokenGenerationConfig: { LambdaArn: fn('shop-claims'), LambdaVersion: 'V2_0' },
  KMSKeyID: 'arn:aws:kms:us-east-1:123456789012:key/1234',
  CustomEmailSender: { LambdaArn: fn('shop-mailer'), LambdaVersion: 'V1_0' },
};
const THEIRS = { PreSignUp: THEIR_CONFIG.PreSignUp, PostConfirmation: THEIR_CONFIG.PostConfirmation };
const LINK = {
  Name: 'source_sub',
  AttributeDataType: 'String',
  Mutable: true,
  StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
} as const;

const production: Partial<UserPoolType> = {
  Name: 'shop',
  UsernameAttributes: ['email'],
  UsernameConfiguration: { CaseSensitive: false },
  SchemaAttributes: [
    ...standardSchema({ email: { Required: true }, preferred_username: { Mutable: false } }),
    { Name: 'custom:loyalty', AttributeDataType: 'Number', Mutable: true, Required: false },
  ],
  LambdaConfig: THEIR_CONFIG,
  Policies: { PasswordPolicy: { MinimumLength: 14, RequireSymbols: true, TemporaryPasswordValidityDays: 2 } },
  MfaConfiguration: 'OPTIONAL',
  AutoVerifiedAttributes: ['email'],
  SmsAuthenticationMessage: 'Shop code {####}',
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 2 },
  EmailConfiguration: {
    EmailSendingAccount: 'DEVELOPER',
    SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/shop.example',
  },
  DeletionProtection: 'ACTIVE',
  UserPoolTier: 'ESSENTIALS',
  UserPoolTags: { owner: 'shop' },
  Domain: 'shop-login',
};

const given = () => new FakeCognitoConfiguration().seed({ userPoolId: POOL, pool: production });
const log = { info: () => {} };
/** The three calls adopting makes, through the fake's rules. */
const calls = (fake: FakeCognitoConfiguration) => ({
  describeUserPool: fake.describeUserPool.bind(fake),
  updateUserPool: fake.updateUserPool.bind(fake),
  addCustomAttributes: fake.addCustomAttributes.bind(fake),
  log,
});
const adoption = (overrides: Partial<Adoption> = {}): Adoption => ({
  userPoolId: POOL,
  region: 'us-east-1',
  triggers: { ours: OURS, theirs: THEIRS },
  link: LINK,
  ...overrides,
});
const described = (fake: FakeCognitoConfiguration) => fake.state(POOL).pool;
/** Everything but what adopting may change: the triggers and the schema (the link). */
const untouched = ({ LambdaConfig: _, SchemaAttributes: __, ...rest }: UserPoolType) => rest;

describe('adopting a pool', () => {
  it('puts ours in front of theirs, adds the link, and hands every other setting back as it was', async () => {
    const fake = given();
    const before = structuredClone(described(fake));
    const adopted = await adoptPool(calls(fake), adoption());

    const after = described(fake);
    expect(after.LambdaConfig).toEqual({ ...THEIR_CONFIG, ...OURS });
    expect(untouched(after)).toEqual({
      ...untouched(before),
      // Reported, but not taken back by UpdateUserPool beside TemporaryPasswordValidityDays.
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    expect(after.SchemaAttributes?.find((a) => a.Name === 'custom:source_sub')).toMatchObject({
      AttributeDataType: 'String',
      StringAttributeConstraints: { MaxLength: '64' },
    });
    expect(adopted).toMatchObject({
      addedLink: true,
      arn: `arn:aws:cognito-idp:region:123456789012:userpool/${POOL}`,
    });
    expect(adopted.shape).toEqual({
      usernameAttributes: ['email'],
      aliasAttributes: [],
      caseSensitive: false,
      standardAttributes: [
        { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
        { Name: 'preferred_username', AttributeDataType: 'String', Mutable: false, Required: false },
      ],
    });

    // Again (every deploy): nothing to do.
    const writes = fake.writes.length;
    expect((await adoptPool(calls(fake), adoption())).addedLink).toBe(false);
    expect(fake.writes).toHaveLength(writes);
  });

  it('without installing triggers (CloudTrail capture alone) touches only the schema', async () => {
    const fake = given();
    await adoptPool(calls(fake), adoption({ triggers: { ours: {}, theirs: THEIRS } }));
    expect(described(fake).LambdaConfig).toEqual(THEIR_CONFIG);
    expect(fake.writes.map((w) => w.op)).toEqual(['addCustomAttributes']);
  });

  it('a later deploy that stops installing them puts theirs back', async () => {
    const fake = given();
    await adoptPool(calls(fake), adoption());
    const previous = adoption().triggers;
    await adoptPool(calls(fake), adoption({ triggers: { ours: {}, theirs: THEIRS } }), previous);
    expect(described(fake).LambdaConfig).toEqual(THEIR_CONFIG);
  });

  it.each([
    [
      'a pool id of another region',
      { region: 'eu-west-1' },
      /is in us-east-1, not in eu-west-1 .*set param primaryRegion to us-east-1/,
    ],
    ['something that is not a pool id', { userPoolId: 'Production' }, /is not a user pool id/],
    [
      'a pool that does not exist',
      { userPoolId: 'us-east-1_Missing' },
      /us-east-1_Missing does not exist in us-east-1: check param primaryUserPoolId/,
    ],
    [
      'a trigger nobody declared',
      { triggers: { ours: OURS, theirs: { PreSignUp: THEIR_CONFIG.PreSignUp } } },
      /PostConfirmation trigger is .*shop-welcome, which param adoptedPostConfirmation does not name: set adoptedPostConfirmation: .*shop-welcome/,
    ],
    [
      'a declared trigger the pool does not have',
      { triggers: { ours: OURS, theirs: { ...THEIRS, UserMigration: fn('legacy-import') } } },
      /param adoptedUserMigration names .*legacy-import, but the pool has no UserMigration trigger/,
    ],
  ])('refuses %s with what to do, changing nothing', async (_, overrides, message) => {
    const fake = given();
    const before = structuredClone(described(fake));
    const attempt = adoptPool(calls(fake), adoption(overrides as Partial<Adoption>));
    await expect(attempt).rejects.toThrow(AdoptionError);
    await expect(adoptPool(calls(fake), adoption(overrides as Partial<Adoption>))).rejects.toThrow(message);
    expect(fake.writes).toEqual([]);
    expect(described(fake)).toEqual(before);
  });

  it('checks the region before asking Cognito anything', () => {
    expect(() => checkPoolRegion('ap-northeast-1_Abc', 'us-east-1')).toThrow(/is in ap-northeast-1/);
    expect(() => checkPoolRegion('us-east-1_Abc', 'us-east-1')).not.toThrow();
  });
});

describe('releasing it', () => {
  it("restores the pool's own triggers exactly, and every other setting", async () => {
    const fake = given();
    await adoptPool(calls(fake), adoption());
    const adopted = structuredClone(described(fake));
    const plan = await releasePool(calls(fake), adoption());
    expect(plan?.after).toEqual(THEIR_CONFIG);
    expect(described(fake).LambdaConfig).toEqual(THEIR_CONFIG);
    expect(untouched(described(fake))).toEqual(untouched(adopted));
  });

  it('leaves a slot someone changed since, and a pool that is gone', async () => {
    const fake = given();
    await adoptPool(calls(fake), adoption());
    const pool = described(fake);
    pool.LambdaConfig = { ...pool.LambdaConfig, PreSignUp: fn('shop-new-validator') };
    await releasePool(calls(fake), adoption());
    expect(described(fake).LambdaConfig?.PreSignUp).toBe(fn('shop-new-validator'));
    expect(described(fake).LambdaConfig?.PostConfirmation).toBe(THEIR_CONFIG.PostConfirmation);
    await expect(
      releasePool(calls(fake), adoption({ userPoolId: 'us-east-1_Gone' })),
    ).resolves.toBeUndefined();
  });
});

describe('trigger plans', () => {
  it('install into an empty slot, keep a slot already ours, and remove back to nothing', () => {
    const install = planInstall({ PreSignUp: OURS.PreSignUp }, { ours: OURS, theirs: {} });
    expect(install.after).toEqual(OURS);
    expect(install.changed).toBe(true);
    expect(planInstall(OURS, { ours: OURS, theirs: {} }).changed).toBe(false);
    expect(planRemoval(OURS, { ours: OURS, theirs: {} }).after).toEqual({});
  });
});

describe('the AdoptedUserPool custom resource', () => {
  const answers: unknown[] = [];
  const handler = (fake: FakeCognitoConfiguration) =>
    onAdoptedPool({
      ...calls(fake),
      errorLog: { error: () => {} },
      respond: async (_url, body) => {
        answers.push(JSON.parse(body));
      },
    });
  const properties = (userPoolId = POOL) => ({
    ServiceToken: 'token',
    UserPoolId: userPoolId,
    Region: 'us-east-1',
    OurTriggers: { ...OURS, UserMigration: '' },
    TheirTriggers: {
      PreSignUp: THEIRS.PreSignUp ?? '',
      PostConfirmation: THEIRS.PostConfirmation ?? '',
      CustomMessage: '',
    },
    Link: { ...LINK, Mutable: 'true' },
  });
  const common = {
    ResponseURL: 'https://response.example/presigned',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/cognito-dr-primary-prod/guid',
    RequestId: 'request',
    LogicalResourceId: 'AdoptedUserPool',
    ResourceType: 'Custom::AdoptedUserPool',
    ServiceToken: 'token',
  };
  beforeEach(() => {
    answers.length = 0;
  });

  it('answers create with the pool, its ARN and shape, and delete by giving the triggers back', async () => {
    const fake = given();
    await handler(fake)({
      ...common,
      RequestType: 'Create',
      ResourceProperties: properties(),
    } as AdoptedPoolEvent);
    expect(answers[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `adopted:${POOL}`,
      Data: {
        UserPoolId: POOL,
        Arn: expect.stringContaining(POOL),
        PoolShape: expect.stringContaining('"usernameAttributes":["email"]'),
      },
    });
    // '' is no function: UserMigration stays empty.
    expect(described(fake).LambdaConfig?.UserMigration).toBeUndefined();
    expect(described(fake).SchemaAttributes?.find((a) => a.Name === 'custom:source_sub')?.Mutable).toBe(true);

    await handler(fake)({
      ...common,
      RequestType: 'Delete',
      PhysicalResourceId: `adopted:${POOL}`,
      ResourceProperties: properties(),
    } as AdoptedPoolEvent);
    expect(answers[1]).toMatchObject({ Status: 'SUCCESS' });
    expect(described(fake).LambdaConfig).toEqual(THEIR_CONFIG);
  });

  it('a pool that is not there fails the create with the reason, and its rollback deletes nothing', async () => {
    const fake = given();
    await handler(fake)({
      ...common,
      RequestType: 'Create',
      ResourceProperties: properties('us-east-1_Missing'),
    } as AdoptedPoolEvent);
    expect(answers[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'AdoptedUserPool-not-created',
      Reason: expect.stringContaining('us-east-1_Missing does not exist in us-east-1'),
    });
    await handler(fake)({
      ...common,
      RequestType: 'Delete',
      PhysicalResourceId: 'AdoptedUserPool-not-created',
      ResourceProperties: properties('us-east-1_Missing'),
    } as AdoptedPoolEvent);
    expect(answers[1]).toMatchObject({ Status: 'SUCCESS' });
    expect(fake.writes).toEqual([]);
  });

  it('pointed at another pool, adopts that one under a new id (CloudFormation then deletes the old one)', async () => {
    const fake = given().seed({ userPoolId: 'us-east-1_Other', pool: { LambdaConfig: THEIR_CONFIG } });
    await handler(fake)({
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: `adopted:${POOL}`,
      ResourceProperties: properties('us-east-1_Other'),
      OldResourceProperties: properties(),
    } as AdoptedPoolEvent);
    expect(answers[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'adopted:us-east-1_Other' });
    expect(fake.state('us-east-1_Other').pool.LambdaConfig?.PreSignUp).toBe(OURS.PreSignUp);
  });
});

it("packaging checks the params of exactly the slots the trigger code takes (resources/adopted-pool.cjs can't import them)", () => {
  const { SLOTS } = require('../../services/primary/resources/adopted-pool.cjs') as { SLOTS: string[] };
  expect(SLOTS).toEqual([...TRIGGER_SLOTS]);
});
