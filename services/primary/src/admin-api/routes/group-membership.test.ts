// PUT and DELETE /users/{username}/groups/{group} through the full stack.
import { awsError } from '../testing/fakes';
import { givenAdminApi } from '../testing/harness';

describe('PUT /users/{username}/groups/{group}', () => {
  it('adds the user to the group and answers 200 with the recorded user', async () => {
    const api = givenAdminApi();
    const answer = await api.call('addUserToGroup', { group: 'dr-admins' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toMatchObject({ user: { groups: ['dr-admins', 'staff'] }, record: { version: 1 } });
    expect(api.pool.changes).toEqual([{ method: 'addToGroup', args: ['victim', 'dr-admins'] }]);
  });

  it('answers 404 naming the group when it does not exist', async () => {
    const api = givenAdminApi();
    const answer = await api.call('addUserToGroup', { group: 'no-such-group' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual({ message: 'group: no such group in the primary pool', field: 'group' });
  });

  it('answers 404 naming the username when the user does not exist', async () => {
    const api = givenAdminApi();
    const answer = await api.call('addUserToGroup', { username: 'nobody', group: 'staff' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body?.field).toBe('username');
  });

  it('answers 503 when the record cannot be written', async () => {
    const api = givenAdminApi();
    api.capture.failNext(awsError('ThrottlingException'));
    const answer = await api.call('addUserToGroup', { group: 'dr-admins' });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
  });
});

describe('DELETE /users/{username}/groups/{group}', () => {
  it('removes the user from the group and answers 204', async () => {
    const api = givenAdminApi();
    const answer = await api.call('removeUserFromGroup', { group: 'staff' });
    expect(answer.statusCode).toBe(204);
    expect(answer.rawBody).toBe('');
    expect(api.capture.table.get('victim')).toMatchObject({ groups: [] });
  });

  it('answers 404 naming the group when it does not exist', async () => {
    const api = givenAdminApi();
    const answer = await api.call('removeUserFromGroup', { group: 'no-such-group' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body?.field).toBe('group');
  });

  it('answers 503 when the record cannot be written', async () => {
    const api = givenAdminApi();
    api.capture.failNext(new Error('boom'));
    expect((await api.call('removeUserFromGroup', { group: 'staff' })).statusCode).toBe(503);
  });
});
