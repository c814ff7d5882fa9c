// The foundation's promise, end to end on the local stack: a user who signs up in the primary region exists in
// the backup region's pool moments later, with their attributes and their primary `sub` kept as a mapping.
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { given } from '../support/given';
import { primaryPool, stack } from '../support/stack';
import { then } from '../support/then';
import { when } from '../support/when';

describe('a confirmed sign-up in the primary pool', () => {
  it('appears in the backup pool within 10 s, attributes and source sub intact', async () => {
    const user = given.aRandomUser({ 'custom:tier': 'gold' });

    await when.theUserSignsUpAndIsConfirmed(user);

    const backup = await then.theUserIsInTheBackupPool(user, { within: 10_000 });
    const primary = await primaryPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.primary.userPoolId, Username: user.username }),
    );
    const backupAttributes = then.attributesOf(backup);
    expect(backupAttributes.email).toBe(user.attributes.email);
    expect(backupAttributes['custom:tier']).toBe('gold');
    expect(backupAttributes['custom:source_sub']).toBe(then.attributesOf(primary).sub);
    expect(backupAttributes.sub).not.toBe(then.attributesOf(primary).sub);
  });
});
