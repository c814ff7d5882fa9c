// cognito-dr mirror from the command line, over HTTP against fake Cognito regions: what it prints, what it exits
// with, and that it writes nothing when told not to or when it cannot finish.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BACKUP,
  backupSeed,
  GOOGLE_SECRET,
  OIDC_SECRET,
  PRIMARY,
  primarySeed,
  WEB_SECRET,
} from '@cognito-dr/mirror/src/testing/production-pool';
import { type ServedRegion, serveConfiguration } from '@cognito-dr/mirror/src/testing/serve-configuration';
import { FakeCognitoConfiguration } from '@cognito-dr/shared/src/testing/fake-pool-configuration';
import { parseCliArgs } from './args';
import { main } from './cognito-dr';
import { EXIT } from './commands';

// Each test serves two regions over HTTP and runs the command several times: seconds when every core is busy.
jest.setTimeout(30_000);

let served: ServedRegion[] = [];
afterEach(async () => {
  await Promise.all(served.map((s) => s.close()));
  served = [];
});

const dir = () => mkdtempSync(join(tmpdir(), 'cognito-dr-mirror-'));

/** Two fake regions served over HTTP, and a stack file naming them as the local stack's would. */
async function regions(
  opts: { exposesProviderSecrets?: boolean; backup?: ReturnType<typeof backupSeed> } = {},
) {
  const primary = new FakeCognitoConfiguration({
    exposesProviderSecrets: opts.exposesProviderSecrets ?? true,
  }).seed(primarySeed);
  const backup = new FakeCognitoConfiguration({
    exposesProviderSecrets: opts.exposesProviderSecrets ?? true,
  }).seed(opts.backup ?? backupSeed());
  const [p, b] = await Promise.all([serveConfiguration(primary), serveConfiguration(backup)]);
  served.push(p, b);
  const side = (region: string, endpoint: string, userPoolId: string) => ({
    region,
    cognitoEndpoint: endpoint,
    userPoolId,
    dynamodbEndpoint: endpoint,
    tableName: 'users',
  });
  const stack = join(dir(), 'stack.json');
  writeFileSync(
    stack,
    JSON.stringify({
      primary: side('us-east-1', p.endpoint, PRIMARY),
      backup: side('ap-northeast-1', b.endpoint, BACKUP),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  return { primary, backup, stack };
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

it('takes --dry-run, --backup-domain and --idp-secrets, and only for mirror', () => {
  expect(
    parseCliArgs([
      'mirror',
      '--stage',
      'prod',
      '--dry-run',
      '--backup-domain',
      'example-dr',
      '--idp-secrets',
      's.json',
    ]),
  ).toMatchObject({ command: 'mirror', dryRun: true, backupDomain: 'example-dr', idpSecrets: 's.json' });
  expect(() => parseCliArgs(['repair', '--stack', 'x', '--backup-domain', 'a'])).toThrow(
    '--backup-domain only applies to mirror',
  );
  expect(() => parseCliArgs(['mirror', '--stack', 'x', '--backup-domain', 'Not_A_Prefix'])).toThrow(
    /--backup-domain: a prefix of lowercase letters/,
  );
});

it('--dry-run prints each difference and exits 1, writing nothing; the run makes them; a second finds none', async () => {
  const r = await regions();
  const dry = await run(['mirror', '--stack', r.stack, '--dry-run']);
  expect(dry.stderr).toBe('');
  expect(dry.code).toBe(EXIT.drift);
  expect(dry.stdout).toContain('+ schema custom:plan\n');
  expect(dry.stdout).toContain('+ app-client web\n');
  expect(dry.stdout).toMatch(/~ pool settings: Policies .*"MinimumLength":8.* -> .*"MinimumLength":12/);
  expect(dry.stdout).toContain('note: pool LambdaConfig: ');
  expect(dry.stdout).toContain('14 change(s) to make; run without --dry-run to make them');
  expect(r.backup.writes).toEqual([]);

  const real = await run(['mirror', '--stack', r.stack]);
  expect(real.code).toBe(EXIT.ok);
  expect(real.stdout).toContain('14 change(s) made');
  expect(r.backup.writes).toHaveLength(14);

  const again = await run(['mirror', '--stack', r.stack, '--dry-run']);
  expect(again.code).toBe(EXIT.ok);
  expect(again.stdout).toContain('the backup pool is configured as the primary');
  for (const output of [dry, real, again]) {
    for (const secret of [GOOGLE_SECRET, OIDC_SECRET, WEB_SECRET])
      expect(output.stdout + output.stderr).not.toContain(secret);
  }
});

it('--json reports changes, blockers and notes without the requests (which hold secrets)', async () => {
  const r = await regions();
  const { code, stdout } = await run(['mirror', '--stack', r.stack, '--dry-run', '--json']);
  expect(code).toBe(EXIT.drift);
  const report = JSON.parse(stdout);
  expect(report).toMatchObject({ applied: 0, dryRun: true, blockers: [] });
  expect(report.changes).toHaveLength(14);
  expect(report.changes[0]).not.toHaveProperty('write');
  expect(stdout).not.toContain(WEB_SECRET);
});

it('what Cognito cannot change exits 2 with what to do, and nothing is written', async () => {
  const backup = backupSeed({ UsernameAttributes: ['phone_number'] } as never);
  const r = await regions({ backup });
  const { code, stderr } = await run(['mirror', '--stack', r.stack]);
  expect(code).toBe(EXIT.usage);
  expect(stderr).toContain("the backup pool cannot be made the primary's in place; nothing was changed");
  expect(stderr).toContain('sign-in pool UsernameAttributes: primary ["email"], backup ["phone_number"]');
  expect(stderr).toMatch(/Cognito cannot change UsernameAttributes of an existing pool: a new backup pool/);
  expect(r.backup.writes).toEqual([]);
});

it('an identity provider secret it cannot read exits 2 naming the option; given in a file, it goes through', async () => {
  const r = await regions({ exposesProviderSecrets: false });
  const refused = await run(['mirror', '--stack', r.stack]);
  expect(refused.code).toBe(EXIT.usage);
  expect(refused.stderr).toMatch(
    /identity provider Google: Cognito does not show its client_secret.*--idp-secrets/,
  );
  expect(r.backup.writes).toEqual([]);

  const secrets = join(dir(), 'idp-secrets.json');
  writeFileSync(
    secrets,
    JSON.stringify({ Google: { client_secret: GOOGLE_SECRET }, Corporate: { client_secret: OIDC_SECRET } }),
  );
  const given = await run(['mirror', '--stack', r.stack, '--idp-secrets', secrets]);
  expect(given.code).toBe(EXIT.ok);
  expect(r.backup.state(BACKUP).providers.get('Corporate')?.ProviderDetails?.client_secret).toBe(OIDC_SECRET);

  const broken = join(dir(), 'broken.json');
  writeFileSync(broken, '{"Google": "not an object"}');
  const bad = await run(['mirror', '--stack', r.stack, '--idp-secrets', broken]);
  expect(bad.code).toBe(EXIT.usage);
  expect(bad.stderr).toContain('Google must be an object of detail keys');
});

describe('pools named by id', () => {
  const endpointVariable = 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER';
  const saved = {
    endpoint: process.env[endpointVariable],
    key: process.env.AWS_ACCESS_KEY_ID,
    secret: process.env.AWS_SECRET_ACCESS_KEY,
  };
  afterEach(() => {
    for (const [name, value] of [
      [endpointVariable, saved.endpoint],
      ['AWS_ACCESS_KEY_ID', saved.key],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** One fake endpoint holding both pools, reached through the SDK's own endpoint setting. */
  async function oneEndpoint() {
    const fake = new FakeCognitoConfiguration({ exposesProviderSecrets: true })
      .seed(primarySeed)
      .seed(backupSeed());
    const region = await serveConfiguration(fake);
    served.push(region);
    process.env[endpointVariable] = region.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    return fake;
  }

  it('mirrors between them; a domain prefix the primary holds here needs one of its own', async () => {
    const fake = await oneEndpoint();
    const taken = await run(['mirror', '--primary-pool-id', PRIMARY, '--backup-pool-id', BACKUP]);
    expect(taken.code).toBe(EXIT.incomplete);
    expect(taken.stderr).toContain(
      'InvalidParameterException: Domain already associated with another user pool.',
    );
    const { code } = await run([
      'mirror',
      '--primary-pool-id',
      PRIMARY,
      '--backup-pool-id',
      BACKUP,
      '--backup-domain',
      'example-login-dr',
    ]);
    expect(code).toBe(EXIT.ok);
    expect(fake.state(BACKUP).pool.Domain).toBe('example-login-dr');
    expect(fake.state(BACKUP).groups.has('admins')).toBe(true);
  });

  it('a pool id that does not exist exits 2 naming it and its region, and nothing is written', async () => {
    const fake = await oneEndpoint();
    const { code, stderr } = await run([
      'mirror',
      '--primary-pool-id',
      'us-east-1_missing',
      '--backup-pool-id',
      BACKUP,
    ]);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('user pool us-east-1_missing not found in us-east-1: check the pool id');
    expect(fake.writes).toEqual([]);
  });

  it('a pool id of another region than the one declared exits 2 before any call', async () => {
    const fake = await oneEndpoint();
    const { code, stderr } = await run([
      'mirror',
      '--primary-pool-id',
      PRIMARY,
      '--primary-region',
      'eu-west-1',
      '--backup-pool-id',
      BACKUP,
    ]);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain(
      `--primary-pool-id ${PRIMARY} is a pool of us-east-1, not of --primary-region eu-west-1: give the region the pool is in`,
    );
    expect(fake.writes).toEqual([]);
  });
});
