// `cognito-dr restore --as-of` on the local stack, whose users table has point-in-time recovery through its
// stand-in: a bad bulk update (an attribute, a group membership, a deletion) is undone for the users named, in the
// active pool and then in the standby one; a dry run shows the differences and changes nothing; a time the table
// cannot go back to is refused with its window; the restored table is gone afterwards.

import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeContinuousBackupsCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { getRecord, SOURCE_SUB_ATTRIBUTE, tableClient } from '@cognito-dr/shared';
import { directly } from '../support/directly';
import { eventually } from '../support/eventually';
import { operator } from '../support/operator';
import { backupPool, primaryPool, primaryTable, stack } from '../support/stack';

const GROUP = 'as-of-staff';
const FAST = ['--quota-share', '1'];

const recordOf = (username: string) => getRecord(primaryTable, stack.primary.tableName, username);

const userIn = async (pool: CognitoIdentityProviderClient, userPoolId: string, username: string) => {
  const { Users } = await pool.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Filter: `username = "${username}"` }),
  );
  if (!Users?.[0]) return null;
  const user = await pool.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  const { Groups } = await pool.send(
    new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username }),
  );
  return {
    attributes: Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value])),
    enabled: user.Enabled,
    groups: (Groups ?? []).map((g) => g.GroupName),
  };
};

let alice: string;
let bob: string;
let bobSub: string;
let before: string;

beforeAll(async () => {
  await directly.ensureGroup(GROUP);
  [alice, bob] = (await directly.createUsers(2, () => ({ 'custom:tier': 'gold' }))) as [string, string];
  await directly.addToGroup(alice, GROUP);
  // Captured from the CloudTrail stand-in, as AWS would from the trail.
  const recorded = await eventually(
    () => Promise.all([recordOf(alice), recordOf(bob)]),
    ([a, b]) => a?.groups.includes(GROUP) === true && b?.attributes['custom:tier'] === 'gold',
    { within: 60_000, what: 'both users recorded, alice in the group' },
  );
  bobSub = recorded[1]?.sub as string;
  before = new Date().toISOString();
  // The bad bulk update.
  await directly.updateAttributes(alice, { 'custom:tier': 'bronze' });
  await directly.removeFromGroup(alice, GROUP);
  await directly.delete(bob);
  await eventually(
    () => Promise.all([recordOf(alice), recordOf(bob)]),
    ([a, b]) => a?.attributes['custom:tier'] === 'bronze' && a.groups.length === 0 && b?.deleted === true,
    { within: 60_000, what: 'the bulk update recorded' },
  );
  // The table can go back to `before` once its history has caught up past it.
  const recovery = tableClient({
    region: stack.primary.region,
    endpoint: stack.primary.pointInTimeEndpoint,
    credentials: stack.credentials,
    maxAttempts: 3,
  });
  await eventually(
    () => recovery.send(new DescribeContinuousBackupsCommand({ TableName: stack.primary.tableName })),
    (answer) =>
      (answer.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.LatestRestorableDateTime?.getTime() ??
        0) >= Date.parse(before),
    { within: 30_000, what: 'the recovery window reaching the time before the update' },
  );
}, 180_000);

describe('restore --as-of a time before a bad bulk update', () => {
  it('shows what differs on a dry run, names no value, and changes nothing', async () => {
    const run = await operator.runs(
      'restore',
      '--as-of',
      before,
      '--user',
      alice,
      '--user',
      bob,
      '--dry-run',
      '--json',
      ...FAST,
    );
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.json).toMatchObject({ reverted: 1, restored: 1, dryRun: true });
    expect(run.json.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          username: alice,
          outcome: 'reverted',
          attributes: ['custom:tier'],
          groups: { add: [GROUP], remove: [] },
        }),
        expect.objectContaining({ username: bob, outcome: 'restored' }),
      ]),
    );
    expect(run.stdout).not.toContain('gold');
    expect((await userIn(primaryPool, stack.primary.userPoolId, alice))?.attributes['custom:tier']).toBe(
      'bronze',
    );
    expect(await userIn(primaryPool, stack.primary.userPoolId, bob)).toBeNull();
  });

  it('puts the users back in the active pool, their records and the standby pool following', async () => {
    const run = await operator.runs('restore', '--as-of', before, '--user', alice, '--user', bob, ...FAST);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.json).toMatchObject({ reverted: 1, restored: 1, dryRun: false, failed: {} });

    expect(await userIn(primaryPool, stack.primary.userPoolId, alice)).toMatchObject({
      attributes: expect.objectContaining({ 'custom:tier': 'gold' }),
      groups: [GROUP],
      enabled: true,
    });
    // Deleted since: back under a new sub, linked to the one apps knew.
    const restoredBob = await userIn(primaryPool, stack.primary.userPoolId, bob);
    expect(restoredBob?.attributes).toMatchObject({ 'custom:tier': 'gold', [SOURCE_SUB_ATTRIBUTE]: bobSub });
    expect(restoredBob?.attributes.sub).not.toBe(bobSub);
    expect((await recordOf(bob))?.deleted).toBeUndefined();

    await eventually(
      () => Promise.all([alice, bob].map((u) => userIn(backupPool, stack.backup.userPoolId, u))),
      ([a, b]) =>
        a?.attributes['custom:tier'] === 'gold' &&
        a.groups.includes(GROUP) &&
        b?.attributes['custom:tier'] === 'gold' &&
        b.attributes[SOURCE_SUB_ATTRIBUTE] === bobSub,
      { within: 30_000, what: 'both users back in the standby pool as they were' },
    );
  });

  it('leaves no restored table behind', async () => {
    const tables = tableClient({
      region: stack.primary.region,
      endpoint: stack.primary.dynamodbEndpoint,
      credentials: stack.credentials,
      maxAttempts: 3,
    });
    const { TableNames } = await tables.send(new ListTablesCommand({}));
    expect((TableNames ?? []).filter((name) => name.includes('-as-of-'))).toEqual([]);
  });

  it('refuses a time outside the recovery window with exit 2, naming the window, and changes nothing', async () => {
    const run = await operator.runs('restore', '--as-of', '2020-01-01T00:00:00Z', '--user', alice, ...FAST);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/outside the point-in-time recovery window of .* in us-east-1: \S+ to \S+/);
  });
});
