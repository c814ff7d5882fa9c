// GET /users/{username} through the full stack: pool state, table record and backup presence, changing nothing.
import { awsError } from '../testing/fakes';
import { givenAdminApi } from '../testing/harness';

describe('GET /users/{username}', () => {
  it('shows the pool user, its record and whether the backup pool has it', async () => {
    const api = givenAdminApi();
    await api.call('updateUser', { body: { attributes: { name: 'Recorded' } } });
    api.backup.users.add('victim');
    const answer = await api.call('getUser');

    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual({
      user: {
        username: 'victim',
        sub: 'sub-1',
        attributes: { email: 'victim@example.com', name: 'Recorded', 'custom:tier': 'gold' },
        enabled: true,
        status: 'CONFIRMED',
        groups: ['staff'],
      },
      record: { version: 1, updatedAt: 1_700_000_001_000 },
      backup: { present: true },
    });
  });

  it('shows a user not yet recorded nor replicated', async () => {
    const api = givenAdminApi();
    const answer = await api.call('getUser');
    expect(answer.body).toMatchObject({ record: null, backup: { present: false } });
    expect(api.pool.changes).toEqual([]);
    expect(api.capture.calls).toEqual([]);
  });

  it('still answers when the backup region cannot be reached, with presence unknown', async () => {
    const api = givenAdminApi();
    api.backup.failure = awsError('TimeoutError');
    const answer = await api.call('getUser');
    expect(answer.statusCode).toBe(200);
    expect(answer.body?.backup).toEqual({ present: null });
    expect(api.logs[0]?.fields).toMatchObject({ backupCheck: 'TimeoutError' });
  });

  it("looks the record and the backup copy up under the pool's own spelling of the username", async () => {
    const api = givenAdminApi();
    await api.call('getUser', { username: 'mixed.CASE' });
    expect(api.records.calls).toEqual(['Mixed.Case']);
    expect(api.backup.calls).toEqual(['Mixed.Case']);
  });

  it('answers 404 for an unknown user', async () => {
    const api = givenAdminApi();
    const answer = await api.call('getUser', { username: 'nobody' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual({ message: 'username: no such user in the primary pool', field: 'username' });
  });

  it('answers 500 without detail when the table cannot be read', async () => {
    const api = givenAdminApi();
    api.records.getRecord = async () => {
      throw awsError('InternalServerError', 'table cognito-dr-users-dev is on fire');
    };
    const answer = await api.call('getUser');
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toEqual({ message: 'Internal Server Error' });
  });
});
