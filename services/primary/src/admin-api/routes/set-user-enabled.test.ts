// POST /users/{username}/disable and /enable through the full stack.
import { givenAdminApi } from '../testing/harness';

describe('POST /users/{username}/disable and /enable', () => {
  it('disables, then enables, recording each state', async () => {
    const api = givenAdminApi();

    const disabled = await api.call('disableUser');
    expect(disabled.statusCode).toBe(200);
    expect(disabled.body).toMatchObject({
      user: { username: 'victim', enabled: false },
      record: { version: 1 },
    });
    expect(api.pool.user('victim')?.enabled).toBe(false);

    const enabled = await api.call('enableUser');
    expect(enabled.statusCode).toBe(200);
    expect(enabled.body).toMatchObject({ user: { enabled: true }, record: { version: 2 } });
    expect(api.capture.calls).toEqual(['victim', 'victim']);
  });

  it('answers 404 for an unknown user', async () => {
    const api = givenAdminApi();
    expect((await api.call('disableUser', { username: 'nobody' })).statusCode).toBe(404);
  });

  it('answers 503 when the record cannot be written', async () => {
    const api = givenAdminApi();
    api.capture.failNext(new Error('boom'));
    const answer = await api.call('disableUser');
    expect(answer.statusCode).toBe(503);
    expect(answer.body).not.toHaveProperty('user');
  });
});
