// The administrator the local stack provisions is a user like any other: made through the region's public endpoint,
// the out-of-band capture records it, so a fresh stack has no pool user without a record (which `cognito-dr status`
// and `verify` would report as missing), and the backup pool has it, in its group, ready for a failover.
import { AdminListGroupsForUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { eventually } from '../support/eventually';
import { backupPool, primaryTable, stack } from '../support/stack';

it('has a record in the table, and is in the backup pool with its group', async () => {
  const record = await eventually(
    () =>
      primaryTable.send(
        new GetCommand({ TableName: stack.primary.tableName, Key: { username: stack.admin.username } }),
      ),
    (found) => found.Item !== undefined,
    { within: 30_000, what: `a record of the provisioned admin ${stack.admin.username}` },
  );
  expect(record.Item?.groups).toEqual(expect.arrayContaining([stack.admin.group]));
  await eventually(
    () =>
      backupPool.send(
        new AdminListGroupsForUserCommand({
          UserPoolId: stack.backup.userPoolId,
          Username: stack.admin.username,
        }),
      ),
    (found) => (found.Groups ?? []).some((group) => group.GroupName === stack.admin.group),
    { within: 30_000, what: `the provisioned admin in ${stack.admin.group} in the backup pool` },
  );
}, 90_000);
