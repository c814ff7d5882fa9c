// Changes made outside cognito-dr, straight on the primary pool with another tool, reach the backup pool through
// the CloudTrail record of the call (locally: the CloudTrail stand-in), with no reconcile run.
import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { eventually } from '../support/eventually';
import { given } from '../support/given';
import { backupPool, primaryPool, stack } from '../support/stack';
import { then } from '../support/then';
import { when } from '../support/when';

describe('a change made directly on the primary pool', () => {
  it('reaches the backup pool from its CloudTrail record: attributes, disabling and a group', async () => {
    const user = given.aRandomUser({ 'custom:tier': 'bronze' });
    await when.theUserSignsUpAndIsConfirmed(user);
    await then.theUserIsInTheBackupPool(user, { within: 10_000 });
    await when.theGroupExistsInThePrimaryPool('oob-editors');

    const pool = { UserPoolId: stack.primary.userPoolId, Username: user.username };
    await primaryPool.send(
      new AdminUpdateUserAttributesCommand({
        ...pool,
        UserAttributes: [{ Name: 'custom:tier', Value: 'gold' }],
      }),
    );
    await primaryPool.send(new AdminDisableUserCommand(pool));
    await primaryPool.send(new AdminAddUserToGroupCommand({ ...pool, GroupName: 'oob-editors' }));

    const backup = { UserPoolId: stack.backup.userPoolId, Username: user.username };
    await then.theBackupUserHasAttributes(user, { 'custom:tier': 'gold' }, { within: 15_000 });
    await eventually(
      () => backupPool.send(new AdminGetUserCommand(backup)),
      (u) => u.Enabled === false,
      {
        within: 15_000,
        what: 'disabled in the backup pool',
      },
    );
    await eventually(
      async () =>
        (await backupPool.send(new AdminListGroupsForUserCommand(backup))).Groups?.map((g) => g.GroupName),
      (groups) => groups?.includes('oob-editors') === true,
      { within: 15_000, what: 'group membership in the backup pool' },
    );
  });
});
