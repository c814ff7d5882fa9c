// POST /users through the full stack: created without an invitation unless asked, groups checked first.
import { awsError } from '../testing/fakes';
import { givenAdminApi } from '../testing/harness';

const newcomer = { username: 'newcomer', attributes: { email: 'newcomer@example.com', name: 'New Comer' } };

describe('POST /users', () => {
  it('creates the user without an invitation, adds its groups, and answers 201 with the recorded user', async () => {
    const api = givenAdminApi();
    const answer = await api.call('createUser', { body: { ...newcomer, groups: ['staff'] } });

    expect(answer.statusCode).toBe(201);
    expect(api.pool.changes.map(({ method }) => method)).toEqual(['createUser', 'addToGroup']);
    expect(api.pool.changes[0]?.args[0]).toMatchObject({ username: 'newcomer', sendInvitation: false });
    expect(api.capture.calls).toEqual(['newcomer']);
    expect(answer.body).toMatchObject({
      user: {
        username: 'newcomer',
        attributes: { email: 'newcomer@example.com', email_verified: 'true', name: 'New Comer' },
        status: 'FORCE_CHANGE_PASSWORD',
        groups: ['staff'],
      },
      record: { version: 1 },
    });
  });

  it('passes an invitation request and a temporary password on, and never logs the password', async () => {
    const api = givenAdminApi();
    const answer = await api.call('createUser', {
      body: { ...newcomer, temporaryPassword: 'Tmp-Passw0rd!', sendInvitation: true },
    });
    expect(answer.statusCode).toBe(201);
    expect(api.pool.changes[0]?.args[0]).toMatchObject({
      temporaryPassword: 'Tmp-Passw0rd!',
      sendInvitation: true,
    });
    expect(JSON.stringify(api.logs)).not.toContain('Tmp-Passw0rd!');
    expect(answer.rawBody).not.toContain('Tmp-Passw0rd!');
  });

  it('answers 404 for a group that does not exist, before creating anything', async () => {
    const api = givenAdminApi();
    const answer = await api.call('createUser', {
      body: { ...newcomer, groups: ['staff', 'no-such-group'] },
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual({ message: 'groups: no such group in the primary pool', field: 'groups' });
    expect(api.pool.changes).toEqual([]);
    expect(api.capture.calls).toEqual([]);
  });

  it('records the created user even when a group vanished between the check and the add', async () => {
    const api = givenAdminApi();
    api.pool.failNext('addToGroup', awsError('ResourceNotFoundException'));
    const answer = await api.call('createUser', { body: { ...newcomer, groups: ['staff'] } });
    expect(answer.statusCode).toBe(404);
    expect(answer.body?.field).toBe('groups');
    expect(api.capture.table.get('newcomer')).toMatchObject({ groups: [] });
  });

  it('answers 409 for a taken username and converges the existing user’s record (a replayed create)', async () => {
    const api = givenAdminApi();
    const answer = await api.call('createUser', { body: { username: 'victim', attributes: {} } });
    expect(answer.statusCode).toBe(409);
    expect(answer.body).toEqual({
      message: 'username: already taken in the primary pool',
      field: 'username',
    });
    expect(api.capture.table.get('victim')).toMatchObject({ username: 'victim', groups: ['staff'] });
  });

  it("answers 400 naming temporaryPassword when it breaks the pool's policy", async () => {
    const api = givenAdminApi();
    api.pool.failNext('createUser', awsError('InvalidPasswordException'));
    const answer = await api.call('createUser', { body: { ...newcomer, temporaryPassword: 'short' } });
    expect(answer.statusCode).toBe(400);
    expect(answer.body?.field).toBe('temporaryPassword');
  });

  it('answers 503 when the record cannot be written, never 201', async () => {
    const api = givenAdminApi();
    api.capture.failNext(new Error('table unreachable'));
    const answer = await api.call('createUser', { body: newcomer });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).not.toHaveProperty('user');
    expect(answer.rawBody).not.toContain('unreachable');
  });
});
