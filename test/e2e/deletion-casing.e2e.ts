// A deletion naming the user in another casing than the pool reported still buries that user's record, and the
// backup copy goes: pools ignore case, the table key is the spelling the pool reported when the user was captured.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RECORD_SCHEMA_VERSION, recordToItem } from '@cognito-dr/shared';
import { callApi } from '../support/admin-api';
import { eventually } from '../support/eventually';
import { given, type TestUser } from '../support/given';
import { invokeApiCallCapture } from '../support/lambda';
import { backupPool, primaryTable, stack } from '../support/stack';
import { then } from '../support/then';
import { adminTokens } from '../support/tokens';

const recordOf = async (username: string) =>
  (await primaryTable.send(new GetCommand({ TableName: stack.primary.tableName, Key: { username } }))).Item;

/**
 * A user the primary pool no longer has, deleted while nothing captured it (CloudTrail lost the event), whose
 * record and backup copy are still there, under the mixed-case spelling the pool reported.
 */
const aUserGoneFromThePrimaryPoolStillRecorded = async (): Promise<TestUser> => {
  const user = given.aRandomUser();
  user.username = `Gone.${user.username}`;
  await primaryTable.send(
    new PutCommand({
      TableName: stack.primary.tableName,
      Item: recordToItem({
        username: user.username,
        schemaVersion: RECORD_SCHEMA_VERSION,
        sub: randomUUID(),
        attributes: { email: user.attributes.email ?? '' },
        enabled: true,
        status: 'CONFIRMED',
        groups: [],
        updatedAt: Date.now(),
        version: 1,
        origin: stack.primary.region,
      }),
    }),
  );
  await then.theUserIsInTheBackupPool(user, { within: 10_000 });
  return user;
};

/** CloudTrail's record of AdminDeleteUser as another tool typed the username, without the user's sub. */
const adminDeleteUserRecorded = (username: string) => {
  const event = JSON.parse(
    readFileSync(
      join(
        __dirname,
        '..',
        '..',
        'services',
        'primary',
        'events',
        'on-cognito-api-call-admin-delete-user.json',
      ),
      'utf8',
    ),
  );
  event.region = stack.primary.region;
  event.detail.awsRegion = stack.primary.region;
  event.detail.requestParameters = { userPoolId: stack.primary.userPoolId, username };
  delete event.detail.additionalEventData;
  return event;
};

const theRecordIsATombstoneAndTheBackupUserIsGone = async (user: TestUser) => {
  expect(await recordOf(user.username)).toMatchObject({ deleted: true });
  expect(await recordOf(user.username.toUpperCase())).toBeUndefined();
  await eventually(
    () =>
      backupPool
        .send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: user.username }))
        .then(
          () => 'present',
          (error: Error) => error.name,
        ),
    (state) => state === 'UserNotFoundException',
    { within: 10_000, what: 'deletion in the backup pool' },
  );
};

describe('a deletion that names the user in another casing than the pool reported', () => {
  it('from a CloudTrail record: buries the record under the reported spelling and deletes the backup copy', async () => {
    const user = await aUserGoneFromThePrimaryPoolStillRecorded();

    const outcome = await invokeApiCallCapture(adminDeleteUserRecorded(user.username.toUpperCase()));

    expect(outcome).toEqual({ outcome: 'captured', eventName: 'AdminDeleteUser', result: 'tombstoned' });
    await theRecordIsATombstoneAndTheBackupUserIsGone(user);
  });

  it('from an admin API retry after the user is gone: answers 404 and still buries the record', async () => {
    const user = await aUserGoneFromThePrimaryPoolStillRecorded();
    const { idToken } = await adminTokens();

    const answer = await callApi('http', {
      method: 'DELETE',
      path: `/users/${user.username.toUpperCase()}`,
      token: idToken,
    });

    expect(answer.status).toBe(404);
    await theRecordIsATombstoneAndTheBackupUserIsGone(user);
  });
});
