// Mirror, from a production pool to a backup pool created with only its sign-in attributes: everything the primary
// is configured with arrives, the backup's own posture and clients stay, nothing Cognito cannot change is attempted,
// and a second run finds nothing to do.

import {
  FakeCognitoConfiguration,
  standardSchema,
} from '@cognito-dr/shared/src/testing/fake-pool-configuration';
import { MirrorBlockedError } from './apply-mirror';
import { configurationDrift, mirrorPools } from './mirror-pools';
import { MissingSecretError } from './plan-mirror';
import { PoolNotFoundError } from './pool-configuration';
import {
  BACKUP,
  backupSeed,
  custom,
  GOOGLE_SECRET,
  OIDC_SECRET,
  POSTURE_TRIGGERS,
  PRIMARY,
  primarySeed,
  WEB_SECRET,
} from './testing/production-pool';

interface Region {
  primary: FakeCognitoConfiguration;
  backup: FakeCognitoConfiguration;
}

const regions = (backup = backupSeed(), exposesProviderSecrets = true): Region => ({
  primary: new FakeCognitoConfiguration({ exposesProviderSecrets }).seed(primarySeed),
  backup: new FakeCognitoConfiguration({ exposesProviderSecrets }).seed(backup),
});

const run = (r: Region, options: Parameters<typeof mirrorPools>[2] = {}) =>
  mirrorPools(
    { api: r.primary, userPoolId: PRIMARY, where: 'us-east-1' },
    { api: r.backup, userPoolId: BACKUP, where: 'ap-northeast-1' },
    options,
  );

const clientsByName = (fake: FakeCognitoConfiguration, userPoolId: string) =>
  new Map([...fake.state(userPoolId).clients.values()].map((c) => [c.ClientName, c]));

describe('mirror onto a backup pool created with only its sign-in attributes', () => {
  it('brings every part of the configuration across, then finds nothing left to do', async () => {
    const r = regions();
    const first = await run(r);

    expect(first.plan.blockers).toEqual([]);
    expect(first.applied).toBe(first.plan.changes.length);
    const backup = r.backup.state(BACKUP);

    // Custom attributes with their types and constraints; the link stays.
    const schema = new Map(backup.pool.SchemaAttributes?.map((a) => [a.Name, a]));
    expect(schema.get('custom:plan')).toMatchObject({
      AttributeDataType: 'String',
      StringAttributeConstraints: { MaxLength: '32' },
    });
    expect(schema.get('custom:seats')).toMatchObject({
      AttributeDataType: 'Number',
      NumberAttributeConstraints: { MaxValue: '500' },
    });
    expect(schema.get('custom:beta')).toMatchObject({ AttributeDataType: 'Boolean' });
    expect(schema.has('custom:source_sub')).toBe(true);

    // Policies, messages, recovery, devices, SMS; MFA with both factors.
    expect(backup.pool.Policies).toEqual(primarySeed.pool.Policies);
    expect(backup.pool.VerificationMessageTemplate).toEqual(primarySeed.pool.VerificationMessageTemplate);
    expect(backup.pool.SmsAuthenticationMessage).toBe('Your sign-in code is {####}');
    expect(backup.pool.AccountRecoverySetting).toEqual(primarySeed.pool.AccountRecoverySetting);
    expect(backup.pool.DeviceConfiguration).toEqual(primarySeed.pool.DeviceConfiguration);
    expect(backup.pool.AdminCreateUserConfig).toEqual({
      AllowAdminCreateUserOnly: true,
      InviteMessageTemplate: primarySeed.pool.AdminCreateUserConfig.InviteMessageTemplate,
    });
    expect(backup.mfa).toEqual(primarySeed.mfa);
    expect(backup.pool.MfaConfiguration).toBe('OPTIONAL');

    // The backup's own: posture triggers, nothing verified while standby, its protection, plan, tags and sender.
    expect(backup.pool.LambdaConfig).toEqual(POSTURE_TRIGGERS);
    expect(backup.pool.AutoVerifiedAttributes).toEqual([]);
    expect(backup.pool.DeletionProtection).toBe('ACTIVE');
    expect(backup.pool.UserPoolTier).toBe('LITE');
    expect(backup.pool.UserPoolTags).toEqual({ stack: 'cognito-dr-replica-prod' });
    expect(backup.pool.EmailConfiguration).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });

    // Groups, resource servers, identity providers with their secrets, a domain of its own.
    expect([...backup.groups.keys()].sort()).toEqual(['admins', 'dr-admins', 'editors']);
    expect(backup.groups.get('admins')).toMatchObject({
      Precedence: 1,
      RoleArn: 'arn:aws:iam::123456789012:role/admins',
    });
    expect(backup.resourceServers.get('api.example.com')?.Scopes).toHaveLength(2);
    expect(backup.providers.get('Google')?.ProviderDetails).toEqual(
      primarySeed.providers[0]?.ProviderDetails,
    );
    expect(backup.providers.get('Corporate')).toMatchObject({ IdpIdentifiers: ['corp'] });
    expect(backup.pool.Domain).toBe('example-login');

    // App clients by name, with the same secret; none may write the link; cognito-dr's own are left alone.
    const clients = clientsByName(r.backup, BACKUP);
    expect([...clients.keys()].sort()).toEqual(['cognito-dr-replicator', 'mobile', 'web']);
    expect(clients.get('web')).toMatchObject({
      ClientSecret: WEB_SECRET,
      CallbackURLs: primarySeed.clients[0]?.CallbackURLs,
      AllowedOAuthScopes: primarySeed.clients[0]?.AllowedOAuthScopes,
      AccessTokenValidity: 15,
      WriteAttributes: ['name', 'custom:beta'],
    });
    for (const name of ['web', 'mobile']) {
      expect(clients.get(name)?.WriteAttributes ?? []).not.toContain('custom:source_sub');
    }
    // A client without a list writes the standard attributes: named in the backup, so never the link.
    expect(clients.get('mobile')?.WriteAttributes).toEqual(
      expect.arrayContaining(['email', 'name', 'given_name', 'phone_number', 'updated_at']),
    );
    expect(clients.get('mobile')?.WriteAttributes).not.toContain('custom:plan');
    // The replicator writes whole records: the new custom attributes too, its other settings kept.
    expect(clients.get('cognito-dr-replicator')).toMatchObject({
      ClientSecret: 'replicator-secret',
      WriteAttributes: ['email', 'custom:source_sub', 'custom:plan', 'custom:seats', 'custom:beta'],
    });

    const writes = r.backup.writes.length;
    const second = await run(r);
    expect(second.plan.changes).toEqual([]);
    expect(second.applied).toBe(0);
    expect(r.backup.writes).toHaveLength(writes);
    // The primary is only ever read.
    expect(r.primary.writes).toEqual([]);
  });

  it('notes what it leaves to the operator: their own triggers, the email sender, the plan', async () => {
    const { plan } = await run(regions(), { dryRun: true });
    const notes = plan.notes.map((n) => `${n.section} ${n.name}: ${n.message}`);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pool LambdaConfig: the primary's PreTokenGeneration trigger/),
        expect.stringMatching(/^pool EmailConfiguration:/),
        expect.stringMatching(/^pool UserPoolTier: the primary is on ESSENTIALS, the backup on LITE/),
      ]),
    );
    // cognito-dr's own trigger in the primary is not one of theirs.
    expect(notes.join('\n')).not.toMatch(/PostConfirmation/);
  });

  it('with --dry-run plans the same changes and writes nothing', async () => {
    const r = regions();
    const dry = await run(r, { dryRun: true });
    expect(dry.applied).toBe(0);
    expect(r.backup.writes).toEqual([]);
    expect(dry.plan.changes.map((c) => `${c.action} ${c.section} ${c.name}`)).toEqual([
      'create schema custom:plan',
      'create schema custom:seats',
      'create schema custom:beta',
      'update pool settings',
      'update mfa configuration',
      'create resource-server api.example.com',
      'create identity-provider Google',
      'create identity-provider Corporate',
      'create group admins',
      'create group editors',
      'create app-client web',
      'create app-client mobile',
      'update app-client cognito-dr-replicator',
      'create domain example-login',
    ]);
  });

  it('never shows a secret in what it reports', async () => {
    const { plan } = await run(regions(), { dryRun: true });
    const reported = JSON.stringify([plan.changes.map((c) => c.differences), plan.notes, plan.blockers]);
    for (const secret of [GOOGLE_SECRET, OIDC_SECRET, WEB_SECRET]) expect(reported).not.toContain(secret);
    expect(reported).toContain('(secret)');
  });

  it('follows a later change of the primary: a stricter policy, a new callback URL, a group re-described', async () => {
    const r = regions();
    await run(r);
    const primary = r.primary.state(PRIMARY);
    primary.pool.Policies = {
      PasswordPolicy: { ...primarySeed.pool.Policies.PasswordPolicy, MinimumLength: 16 },
    };
    const web = [...primary.clients.values()].find((c) => c.ClientName === 'web');
    if (web) web.CallbackURLs = [...(web.CallbackURLs ?? []), 'https://new.example.com/callback'];
    primary.groups.set('editors', { GroupName: 'editors', Description: 'Content team', Precedence: 4 });

    const drift = await configurationDrift(
      { api: r.primary, userPoolId: PRIMARY, where: 'us-east-1' },
      { api: r.backup, userPoolId: BACKUP, where: 'ap-northeast-1' },
    );
    expect(
      drift.changes.map((c) => `${c.section} ${c.name}: ${c.differences.map((d) => d.field).join(',')}`),
    ).toEqual([
      'pool settings: Policies',
      'group editors: Description,Precedence',
      'app-client web: CallbackURLs',
    ]);

    await run(r);
    const clients = clientsByName(r.backup, BACKUP);
    expect(clients.get('web')?.CallbackURLs).toContain('https://new.example.com/callback');
    // The update handed back every other setting of the client (UpdateUserPoolClient resets what it is not given).
    expect(clients.get('web')).toMatchObject({ AccessTokenValidity: 15, AllowedOAuthFlows: ['code'] });
    expect(r.backup.state(BACKUP).pool.Policies?.PasswordPolicy?.MinimumLength).toBe(16);
    expect(r.backup.state(BACKUP).pool.LambdaConfig).toEqual(POSTURE_TRIGGERS);
    expect((await run(r, { dryRun: true })).plan.changes).toEqual([]);
  });
});

describe('what Cognito cannot change on an existing pool', () => {
  it('is reported with what to do, and nothing is written', async () => {
    const r = regions(
      backupSeed({
        UsernameAttributes: ['phone_number'],
        UsernameConfiguration: { CaseSensitive: true },
        SchemaAttributes: [
          ...standardSchema(),
          custom({ Name: 'custom:seats', AttributeDataType: 'String' }),
          custom({ Name: 'custom:source_sub', AttributeDataType: 'String' }),
        ],
      } as never),
    );
    const result = await run(r);

    expect(
      result.plan.blockers.map((b) => `${b.section} ${b.name} ${b.field}: ${b.primary} vs ${b.backup}`),
    ).toEqual([
      'sign-in pool UsernameAttributes: ["email"] vs ["phone_number"]',
      'sign-in pool UsernameConfiguration.CaseSensitive: false vs true',
      'schema email Required: true vs false',
      'schema custom:seats AttributeDataType: "Number" vs "String"',
      'schema custom:seats NumberAttributeConstraints: {"MaxValue":"500","MinValue":"0"} vs (none)',
    ]);
    for (const blocker of result.plan.blockers) expect(blocker.todo).toMatch(/new backup pool/);
    expect(result.applied).toBe(0);
    expect(r.backup.writes).toEqual([]);
  });

  it('email MFA waits for the backup pool to send email with SES, its own sender, and then goes across', async () => {
    const emailMfa = { Subject: 'Your sign-in code', Message: 'Your code is {####}' };
    const r = regions();
    r.primary.state(PRIMARY).mfa.EmailMfaConfiguration = emailMfa;

    const blocked = await run(r);
    expect(blocked.plan.blockers).toEqual([
      expect.objectContaining({
        section: 'mfa',
        field: 'EmailMfaConfiguration',
        backup: '(email sent by COGNITO_DEFAULT)',
        todo: expect.stringMatching(/SES identity of its region \(param sesSourceArn of services\/replica\)/),
      }),
    ]);
    expect(r.backup.writes).toEqual([]);

    r.backup.state(BACKUP).pool.EmailConfiguration = {
      EmailSendingAccount: 'DEVELOPER',
      SourceArn: 'arn:aws:ses:ap-northeast-1:123456789012:identity/example.com',
    };
    const mirrored = await run(r);
    expect(mirrored.plan.blockers).toEqual([]);
    expect(r.backup.state(BACKUP).mfa.EmailMfaConfiguration).toEqual(emailMfa);
  });

  it('an app client whose secret is on one side only cannot be fixed in place', async () => {
    const seed = backupSeed();
    seed.clients.push({ ClientName: 'web' } as never);
    const r = regions(seed);
    const { plan } = await run(r, { dryRun: true });
    expect(plan.blockers).toEqual([
      expect.objectContaining({
        section: 'app-client',
        name: 'web',
        field: 'ClientSecret',
        todo: expect.stringMatching(/delete web from the backup pool/),
      }),
    ]);
    await expect(run(r)).resolves.toMatchObject({ applied: 0 });
    expect(r.backup.writes).toEqual([]);
  });
});

describe('identity provider secrets', () => {
  it('an unreadable secret the operator did not give stops the run before anything is written', async () => {
    const r = regions(backupSeed(), false);
    await expect(run(r)).rejects.toThrow(MissingSecretError);
    await expect(run(r)).rejects.toThrow(
      /identity provider Google: Cognito does not show its client_secret.*--idp-secrets/,
    );
    expect(r.backup.writes).toEqual([]);
  });

  it('come from the operator where Cognito hides them, and a backup that hides its own is not rewritten for it', async () => {
    const r = regions(backupSeed(), false);
    const identityProviderSecrets = {
      Google: { client_secret: GOOGLE_SECRET },
      Corporate: { client_secret: OIDC_SECRET },
    };
    await run(r, { identityProviderSecrets });
    const providers = r.backup.state(BACKUP).providers;
    expect(providers.get('Corporate')?.ProviderDetails?.client_secret).toBe(OIDC_SECRET);
    // Cognito's own additions to the details (discovered URLs) were never sent back.
    expect(providers.get('Google')?.ProviderDetails).toEqual({
      ...primarySeed.providers[0]?.ProviderDetails,
    });
    const second = await run(r);
    expect(second.plan.changes).toEqual([]);
  });

  it('the scheduled comparison needs none: hidden secrets are not a difference', async () => {
    const r = regions(backupSeed(), false);
    await run(r, {
      identityProviderSecrets: { Google: { client_secret: 'g' }, Corporate: { client_secret: 'c' } },
    });
    const drift = await configurationDrift(
      { api: r.primary, userPoolId: PRIMARY, where: 'us-east-1' },
      { api: r.backup, userPoolId: BACKUP, where: 'ap-northeast-1' },
    );
    expect(drift.changes).toEqual([]);
  });
});

describe('a run that fails part way', () => {
  it('is finished by running it again', async () => {
    const r = regions();
    r.backup.failNext('createUserPoolClient');
    await expect(run(r)).rejects.toThrow('injected');
    const between = await run(r, { dryRun: true });
    expect(between.plan.changes.map((c) => `${c.section} ${c.name}`)).toEqual([
      'app-client web',
      'app-client mobile',
      'app-client cognito-dr-replicator',
      'domain example-login',
    ]);
    await run(r);
    expect((await run(r, { dryRun: true })).plan.changes).toEqual([]);
  });

  it('a domain another pool holds is refused by Cognito, after everything before it was written', async () => {
    const r = regions();
    r.backup.takeDomain('example-login');
    await expect(run(r)).rejects.toThrow('Domain already associated with another user pool.');
    await run(r, { backupDomain: 'example-login-dr' });
    expect(r.backup.state(BACKUP).pool.Domain).toBe('example-login-dr');
  });
});

it('a pool id that does not exist is named with what to check', async () => {
  const r = regions();
  await expect(
    mirrorPools(
      { api: r.primary, userPoolId: 'us-east-1_missing', where: 'us-east-1' },
      { api: r.backup, userPoolId: BACKUP, where: 'ap-northeast-1' },
    ),
  ).rejects.toThrow(
    new PoolNotFoundError(
      'user pool us-east-1_missing not found in us-east-1: check the pool id and that its region is the one given',
    ),
  );
  expect(r.backup.writes).toEqual([]);
});

it('refuses to apply a plan that has blockers', async () => {
  const { applyMirrorPlan } = await import('./apply-mirror');
  const r = regions();
  await expect(
    applyMirrorPlan(r.backup, {
      changes: [],
      notes: [],
      blockers: [
        { section: 'sign-in', name: 'pool', field: 'UsernameAttributes', primary: '', backup: '', todo: '' },
      ],
    }),
  ).rejects.toThrow(MirrorBlockedError);
});
