// The scheduled check publishes how many differences there are and names each in the log without its value.
import { FakeCognitoConfiguration } from '@cognito-dr/shared/src/testing/fake-pool-configuration';
import { checkConfiguration } from './configuration-check';
import { mirrorPools } from './mirror-pools';
import { BACKUP, backupSeed, PRIMARY, primarySeed } from './testing/production-pool';

it('publishes 0 once mirrored, and the count of what the primary changed since, each named', async () => {
  const primary = new FakeCognitoConfiguration().seed(primarySeed);
  const backup = new FakeCognitoConfiguration().seed(backupSeed());
  const sides = {
    primary: { api: primary, userPoolId: PRIMARY, where: 'us-east-1' },
    backup: { api: backup, userPoolId: BACKUP, where: 'ap-northeast-1' },
  };
  // Cognito hides the providers' secrets from the check: the operator gave them to mirror.
  await mirrorPools(sides.primary, sides.backup, {
    identityProviderSecrets: { Google: { client_secret: 'g' }, Corporate: { client_secret: 'c' } },
  });
  const published: number[] = [];
  const logged: Record<string, unknown>[] = [];
  const deps = {
    ...sides,
    publish: (n: number) => published.push(n),
    log: { info: (_: string, fields: Record<string, unknown>) => logged.push(fields) },
  };
  expect(await checkConfiguration(deps)).toBe(0);

  const pool = primary.state(PRIMARY).pool;
  pool.SmsAuthenticationMessage = 'Your new code is {####}';
  pool.UsernameAttributes = ['phone_number'];
  expect(await checkConfiguration(deps)).toBe(2);
  expect(published).toEqual([0, 2]);
  expect(logged[1]).toEqual({
    changes: 1,
    blockers: 1,
    differences: [
      'pool settings: SmsAuthenticationMessage',
      'sign-in pool: UsernameAttributes (cannot be changed in place)',
    ],
  });
  expect(JSON.stringify(logged)).not.toContain('Your new code');
});
