// The admin API on the local stack with real tokens, each case run in-process and over HTTP: every successful
// route changes the primary pool, rewrites the record and converges the backup pool; refused calls change nothing.
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { API_MODES, type ApiMode, callApi } from '../support/admin-api';
import { eventually } from '../support/eventually';
import { given } from '../support/given';
import { backupPool, primaryPool, primaryTable, stack } from '../support/stack';
import { then } from '../support/then';
import { adminTokens, type Tokens, userTokens } from '../support/tokens';
import { when } from '../support/when';

const backupUser = (username: string) =>
  backupPool.send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: username }));
const backupGroups = async (username: string) =>
  (
    await backupPool.send(
      new AdminListGroupsForUserCommand({ UserPoolId: stack.backup.userPoolId, Username: username }),
    )
  ).Groups?.map((g) => g.GroupName) ?? [];
const primaryUser = (username: string) =>
  primaryPool.send(new AdminGetUserCommand({ UserPoolId: stack.primary.userPoolId, Username: username }));
const recordOf = async (username: string) =>
  (await primaryTable.send(new GetCommand({ TableName: stack.primary.tableName, Key: { username } }))).Item;

describe.each(API_MODES)('admin API (%s)', (mode: ApiMode) => {
  let admin: Tokens;
  beforeAll(async () => {
    admin = await adminTokens();
    await when.theGroupExistsInThePrimaryPool('support');
  });

  it('PUT /users/{username} with {"email"} changes the email as the sample did, verified, in both pools', async () => {
    const user = given.aRandomUser();
    await when.theUserSignsUpAndIsConfirmed(user);
    const email = `changed-${user.username}@example.com`;

    const response = await callApi(mode, {
      method: 'PUT',
      path: `/users/${user.username}`,
      token: admin.idToken,
      body: { email },
    });

    expect(response.status).toBe(200);
    expect(then.attributesOf(await primaryUser(user.username))).toMatchObject({
      email,
      email_verified: 'true',
    });
    await then.theBackupUserHasAttributes(user, { email, email_verified: 'true' }, { within: 10_000 });
  });

  it('POST /users creates a user with attributes and groups, without an invitation, in both pools', async () => {
    const username = given.aRandomUser().username;
    const response = await callApi(mode, {
      method: 'POST',
      path: '/users',
      token: admin.accessToken,
      body: {
        username,
        attributes: { email: `${username}@example.com`, 'custom:tier': 'gold', name: 'Ada' },
        groups: ['support'],
      },
    });

    expect(response.status).toBe(201);
    await eventually(
      () => backupGroups(username),
      (groups) => groups.includes('support'),
      {
        within: 10_000,
        what: `${username} in group support in the backup pool`,
      },
    );
    expect(then.attributesOf(await backupUser(username))).toMatchObject({
      'custom:tier': 'gold',
      name: 'Ada',
    });
  });

  it('disable, enable, group add and remove, GET and DELETE all reach the backup pool', async () => {
    const user = given.aRandomUser();
    await when.theUserSignsUpAndIsConfirmed(user);
    await then.theUserIsInTheBackupPool(user, { within: 10_000 });
    const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string) =>
      callApi(mode, { method, path, token: admin.idToken });

    expect((await call('POST', `/users/${user.username}/disable`)).status).toBe(200);
    await eventually(
      () => backupUser(user.username),
      (u) => u.Enabled === false,
      {
        within: 10_000,
        what: 'disabled in the backup pool',
      },
    );
    expect((await call('POST', `/users/${user.username}/enable`)).status).toBe(200);
    await eventually(
      () => backupUser(user.username),
      (u) => u.Enabled === true,
      {
        within: 10_000,
        what: 'enabled again in the backup pool',
      },
    );

    expect((await call('PUT', `/users/${user.username}/groups/${stack.admin.group}`)).status).toBe(200);
    await eventually(
      () => backupGroups(user.username),
      (g) => g.includes(stack.admin.group),
      {
        within: 10_000,
        what: 'group membership in the backup pool',
      },
    );
    expect((await call('DELETE', `/users/${user.username}/groups/${stack.admin.group}`)).status).toBe(204);
    await eventually(
      () => backupGroups(user.username),
      (g) => !g.includes(stack.admin.group),
      {
        within: 10_000,
        what: 'group membership removed in the backup pool',
      },
    );

    const read = await call('GET', `/users/${user.username}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ record: { version: expect.any(Number) }, backup: { present: true } });

    expect((await call('DELETE', `/users/${user.username}`)).status).toBe(204);
    await eventually(
      () =>
        backupUser(user.username).then(
          () => 'present',
          (e: Error) => e.name,
        ),
      (state) => state === 'UserNotFoundException',
      { within: 10_000, what: 'deletion in the backup pool' },
    );
    expect(await recordOf(user.username)).toMatchObject({ deleted: true });
  });

  it('refuses callers and bodies it must refuse, changing nothing and never answering 5xx', async () => {
    const user = given.aRandomUser();
    await when.theUserSignsUpAndIsConfirmed(user);
    const notAdmin = await userTokens(user);
    const before = { user: await primaryUser(user.username), record: await recordOf(user.username) };
    const path = `/users/${user.username}`;
    const cases: Array<{ name: string; request: Parameters<typeof callApi>[1]; status: number }> = [
      { name: 'no token', request: { method: 'PUT', path, body: { email: 'x@example.com' } }, status: 401 },
      {
        name: 'forged token',
        request: {
          method: 'PUT',
          path,
          token: `${admin.idToken.slice(0, -4)}AAAA`,
          body: { email: 'x@example.com' },
        },
        status: 401,
      },
      {
        name: 'not an admin',
        request: { method: 'PUT', path, token: notAdmin.idToken, body: { email: 'x@example.com' } },
        status: 403,
      },
      {
        name: 'malformed JSON',
        request: { method: 'PUT', path, token: admin.idToken, body: '{"email":' },
        status: 400,
      },
      {
        name: 'invalid email',
        request: { method: 'PUT', path, token: admin.idToken, body: { email: 'not-an-address' } },
        status: 400,
      },
      {
        name: 'forbidden attribute',
        request: { method: 'PUT', path, token: admin.idToken, body: { attributes: { sub: 'someone-else' } } },
        status: 400,
      },
    ];
    for (const { name, request, status } of cases) {
      const response = await callApi(mode, request);
      expect({ name, status: response.status }).toEqual({ name, status });
    }
    expect(await primaryUser(user.username)).toEqual({ ...before.user, $metadata: expect.anything() });
    expect(await recordOf(user.username)).toEqual(before.record);
  });
});
