// Each route file loads with the documented environment, refuses to load without it (naming the variable), and
// answers an unauthenticated call with 401 before touching AWS.
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiEvent } from '../../admin-api/testing/events';

const FILES = [
  ['create-user', 'POST', '/users'],
  ['get-user', 'GET', '/users/{username}'],
  ['update-user', 'PUT', '/users/{username}'],
  ['delete-user', 'DELETE', '/users/{username}'],
  ['disable-user', 'POST', '/users/{username}/disable'],
  ['enable-user', 'POST', '/users/{username}/enable'],
  ['add-user-to-group', 'PUT', '/users/{username}/groups/{group}'],
  ['remove-user-from-group', 'DELETE', '/users/{username}/groups/{group}'],
] as const;

const ENV = {
  AWS_REGION: 'us-east-1',
  USER_POOL_ID: 'us-east-1_Primary1',
  USER_POOL_CLIENT_ID: 'client-1',
  TABLE_NAME: 'cognito-dr-users-test',
  BACKUP_USER_POOL_ID: 'ap-northeast-1_Backup1',
  BACKUP_REGION: 'ap-northeast-1',
  PRIMARY_REGION: 'us-east-1',
  CONTROL_TABLE_NAME: 'cognito-dr-control-test',
  // The access log's lines are asserted in the route tests; here they would only clutter the output.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

function load(file: string, env: Record<string, string | undefined>): { handler: Handler } {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  try {
    let loaded: { handler: Handler } | undefined;
    jest.isolateModules(() => {
      loaded = require(`./${file}`);
    });
    if (!loaded) throw new Error(`${file} did not load`);
    return loaded;
  } finally {
    process.env = saved;
  }
}

describe.each(FILES)('functions/admin-api/%s', (file, method, resource) => {
  it('exports a handler that answers 401 without a token', async () => {
    const { handler } = load(file, ENV);
    const event = apiEvent({ method, resource, pathParameters: { username: 'alice', group: 'staff' } });
    const response = await handler(event, { awsRequestId: 'lambda-1' } as Context);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ field: 'authorization' });
  });

  it('fails to load, naming the variable, when one is missing', () => {
    expect(() => load(file, { ...ENV, USER_POOL_CLIENT_ID: undefined })).toThrow(
      'environment variable USER_POOL_CLIENT_ID must be set',
    );
  });
});

it('GET loads before the backup pool exists; every route needs the backup region (region roles name it)', () => {
  const noBackupPool = { ...ENV, BACKUP_USER_POOL_ID: undefined };
  expect(() => load('get-user', noBackupPool)).not.toThrow();
  expect(() => load('update-user', noBackupPool)).not.toThrow();
  expect(() => load('get-user', { ...ENV, BACKUP_REGION: undefined })).toThrow('BACKUP_REGION');
  expect(() => load('update-user', { ...ENV, BACKUP_REGION: undefined })).toThrow('BACKUP_REGION');
});

describe('the ready-made events in services/primary/events', () => {
  const { givenAdminApi, adminToken } = require('../../admin-api/testing/harness');
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const EVENTS = {
    createUser: 'admin-create-user',
    getUser: 'admin-get-user',
    updateUser: 'admin-update-user',
    deleteUser: 'admin-delete-user',
    disableUser: 'admin-disable-user',
    enableUser: 'admin-enable-user',
    addUserToGroup: 'admin-add-user-to-group',
    removeUserFromGroup: 'admin-remove-user-from-group',
  };

  it.each(Object.entries(EVENTS))(
    '%s: events/%s.json succeeds once its placeholder is a real token',
    async (route, file) => {
      const raw = readFileSync(join(__dirname, '../../../events', `${file}.json`), 'utf8');
      expect(raw).toContain('Bearer REPLACE_WITH_ID_TOKEN');
      const event = JSON.parse(raw.replaceAll('REPLACE_WITH_ID_TOKEN', adminToken()));
      const answer = await givenAdminApi().send(route, event);
      expect([200, 201, 204]).toContain(answer.statusCode);
    },
  );
});
