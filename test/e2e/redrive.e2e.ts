// Nothing stays lost: a change the backup pool refuses is parked in the dead-letter file; once the cause is fixed,
// `cognito-dr redrive` applies it from the table and removes the entry.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  AddCustomAttributesCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { eventually } from '../support/eventually';
import { given } from '../support/given';
import { operator } from '../support/operator';
import { backupPool, primaryPool, stack } from '../support/stack';
import { then } from '../support/then';
import { when } from '../support/when';

const parkedEntriesOf = (username: string) => {
  const file = stack.deadLetters.replicaParked;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { username?: string; errorName?: string })
    .filter((entry) => entry.username === username);
};

const addCustomAttribute = (pool: CognitoIdentityProviderClient, userPoolId: string, name: string) =>
  pool.send(
    new AddCustomAttributesCommand({
      UserPoolId: userPoolId,
      CustomAttributes: [{ Name: name, AttributeDataType: 'String', Mutable: true }],
    }),
  );

describe('a change the backup pool refuses', () => {
  it('is parked, then applied by redrive once the cause is fixed, and its entry removed', async () => {
    // Given a user in both pools, and a custom attribute only the primary pool declares
    const user = given.aRandomUser();
    await when.theUserSignsUpAndIsConfirmed(user);
    await then.theUserIsInTheBackupPool(user, { within: 10_000 });
    const attribute = `rd${randomBytes(4).toString('hex')}`;
    await addCustomAttribute(primaryPool, stack.primary.userPoolId, attribute);

    // When the user gets it in the primary pool, the backup pool refuses the update: the record is parked
    await primaryPool.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: user.username,
        UserAttributes: [{ Name: `custom:${attribute}`, Value: 'redriven' }],
      }),
    );
    const [entry] = await eventually(
      async () => parkedEntriesOf(user.username),
      (entries) => entries.length > 0,
      { within: 15_000, what: `${user.username}'s change being parked` },
    );
    expect(entry?.errorName).toBe('InvalidParameterException');

    // When the cause is fixed (the backup pool declares the attribute too) and the operator redrives
    await addCustomAttribute(backupPool, stack.backup.userPoolId, attribute);
    const run = await operator.runs('redrive');

    // Then the change is in the backup pool and the entry is gone from the dead-letter file
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'redrive', kept: 0, users: { failed: 0 } });
    expect(run.json.removed).toBeGreaterThanOrEqual(1);
    await then.theBackupUserHasAttributes(user, { [`custom:${attribute}`]: 'redriven' }, { within: 1000 });
    expect(parkedEntriesOf(user.username)).toEqual([]);
  });
});
