// cognito-dr triggers from the command line, over HTTP against a fake Cognito region: what it shows of a production
// pool's trigger slots, and installing and removing cognito-dr's with the LambdaConfig printed before and after.
import type { LambdaConfigType } from '@aws-sdk/client-cognito-identity-provider';
import { type ServedRegion, serveConfiguration } from '@cognito-dr/mirror/src/testing/serve-configuration';
import { FakeCognitoConfiguration } from '@cognito-dr/shared/src/testing/fake-pool-configuration';
import { parseCliArgs } from './args';
import { main } from './cognito-dr';
import { EXIT } from './commands';

const POOL = 'us-east-1_Production';
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const THEIRS: LambdaConfigType = {
  PreSignUp: fn('shop-validate-sign-up'),
  PreTokenGeneration: fn('shop-claims'),
};
const OURS = {
  PreSignUp: fn('cognito-dr-primary-prod-onPreSignUp'),
  CustomMessage: fn('cognito-dr-primary-prod-onCustomMessage'),
  PreAuthentication: fn('cognito-dr-primary-prod-onPreAuthentication'),
  UserMigration: fn('cognito-dr-primary-prod-onUserMigration'),
  PostAuthentication: fn('cognito-dr-primary-prod-onPostAuthentication'),
  PostConfirmation: fn('cognito-dr-primary-prod-onPostConfirmation'),
};
const poolTriggers = (theirs: Record<string, string> = { PreSignUp: THEIRS.PreSignUp as string }) =>
  JSON.stringify({ ours: OURS, theirs });

const endpointVariable = 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER';
const saved = {
  endpoint: process.env[endpointVariable],
  key: process.env.AWS_ACCESS_KEY_ID,
  secret: process.env.AWS_SECRET_ACCESS_KEY,
};
let served: ServedRegion | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
  for (const [name, value] of [
    [endpointVariable, saved.endpoint],
    ['AWS_ACCESS_KEY_ID', saved.key],
    ['AWS_SECRET_ACCESS_KEY', saved.secret],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function region() {
  const fake = new FakeCognitoConfiguration().seed({
    userPoolId: POOL,
    pool: { Name: 'shop', LambdaConfig: THEIRS },
  });
  served = await serveConfiguration(fake);
  process.env[endpointVariable] = served.endpoint;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  return fake;
}

async function run(argv: string[], triggers = poolTriggers()) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stackOutputs: async (_region, stack) => {
      expect(stack).toBe('cognito-dr-primary-prod');
      return { UserPoolId: POOL, ReplicationTableName: 'cognito-dr-users-prod', PoolTriggers: triggers };
    },
  });
  return { code, stdout, stderr };
}

it('takes --install, --remove and --dry-run, one action at a time, for triggers only', () => {
  expect(parseCliArgs(['triggers', '--stage', 'prod'])).toMatchObject({
    command: 'triggers',
    triggerAction: 'show',
  });
  expect(parseCliArgs(['triggers', '--stage', 'prod', '--install', '--dry-run'])).toMatchObject({
    triggerAction: 'install',
    dryRun: true,
  });
  expect(() => parseCliArgs(['triggers', '--stage', 'p', '--install', '--remove'])).toThrow('choose one of');
  expect(() => parseCliArgs(['repair', '--stack', 'x', '--remove'])).toThrow(
    '--remove only applies to triggers',
  );
});

it("shows a production pool's slots and the params that keep its own triggers behind cognito-dr's", async () => {
  await region();
  const { code, stdout } = await run(['triggers', '--primary-pool-id', POOL]);
  expect(code).toBe(EXIT.ok);
  expect(stdout).toContain(`pool ${POOL} (us-east-1):`);
  expect(stdout).toMatch(
    /PreSignUp +arn:.*shop-validate-sign-up {2}the pool's own \(param adoptedPreSignUp\)/,
  );
  expect(stdout).toMatch(/PostConfirmation +- {2}\(none\)/);
  expect(stdout).toMatch(/PreTokenGeneration +arn:.*shop-claims {2}never touched/);
  expect(stdout).toContain(
    "to keep the pool's own triggers behind cognito-dr's, deploy services/primary with these params:\n" +
      `  adoptedPreSignUp: ${THEIRS.PreSignUp}\n`,
  );
});

it('--install --dry-run prints before and after and changes nothing; --install makes it; --remove undoes it exactly', async () => {
  const fake = await region();
  const dry = await run(['triggers', '--stage', 'prod', '--install', '--dry-run']);
  expect(dry.code).toBe(EXIT.ok);
  expect(dry.stdout).toMatch(/before:\n {2}PreSignUp +arn:.*shop-validate-sign-up {2}the pool's own/);
  expect(dry.stdout).toMatch(
    /after:\n {2}PreSignUp +arn:.*cognito-dr-primary-prod-onPreSignUp {2}cognito-dr's, calls .*shop-validate-sign-up/,
  );
  expect(dry.stdout).toContain('--dry-run: nothing was changed');
  expect(fake.writes).toEqual([]);

  const install = await run(['triggers', '--stage', 'prod', '--install']);
  expect(install.code).toBe(EXIT.ok);
  expect(install.stdout).toContain(
    'added custom:source_sub to the pool (custom attributes cannot be removed)',
  );
  expect(fake.state(POOL).pool.LambdaConfig).toEqual({
    ...OURS,
    PreTokenGeneration: THEIRS.PreTokenGeneration,
  });
  expect(fake.state(POOL).pool.Name).toBe('shop');

  const again = await run(['triggers', '--stage', 'prod', '--install']);
  expect(again.stdout).toContain('nothing to change');

  const remove = await run(['triggers', '--stage', 'prod', '--remove']);
  expect(remove.code).toBe(EXIT.ok);
  expect(remove.stdout).toContain("the pool's own triggers are back");
  expect(fake.state(POOL).pool.LambdaConfig).toEqual(THEIRS);
});

it('refuses to install over a trigger nobody declared, naming the param, and changes nothing', async () => {
  const fake = await region();
  const { code, stderr } = await run(['triggers', '--stage', 'prod', '--install'], poolTriggers({}));
  expect(code).toBe(EXIT.usage);
  expect(stderr).toContain(
    `the pool's PreSignUp trigger is ${THEIRS.PreSignUp}, which param adoptedPreSignUp does not name`,
  );
  expect(stderr).toContain('nothing was changed');
  expect(fake.writes).toEqual([]);
});

it('installing by hand needs the stack that names our functions', async () => {
  await region();
  const { code, stderr } = await run(['triggers', '--primary-pool-id', POOL, '--install']);
  expect(code).toBe(EXIT.usage);
  expect(stderr).toContain(
    "--install needs --stage: the primary stack's PoolTriggers output names cognito-dr's",
  );
});

it('a pool that does not exist exits 2 naming it', async () => {
  await region();
  const { code, stderr } = await run(['triggers', '--primary-pool-id', 'us-east-1_Missing']);
  expect(code).toBe(EXIT.usage);
  expect(stderr).toContain('user pool us-east-1_Missing does not exist in us-east-1');
});
