// DELETE /users/{username} through the full stack: deleted in the pool, tombstoned in the table.
import { awsError } from '../testing/fakes';
import { givenAdminApi } from '../testing/harness';

describe('DELETE /users/{username}', () => {
  it('deletes the user, tombstones its record, and answers 204 with no body', async () => {
    const api = givenAdminApi();
    await api.call('updateUser', { body: { attributes: { name: 'Recorded' } } });
    const answer = await api.call('deleteUser');

    expect(answer.statusCode).toBe(204);
    expect(answer.rawBody).toBe('');
    expect(api.pool.user('victim')).toBeUndefined();
    expect(api.capture.table.get('victim')).toMatchObject({ deleted: true, version: 2 });
  });

  it("deletes and tombstones under the pool's own spelling of the username", async () => {
    const api = givenAdminApi();
    await api.call('updateUser', { username: 'Mixed.Case', body: { attributes: { name: 'M' } } });
    const answer = await api.call('deleteUser', { username: 'MIXED.CASE' });

    expect(answer.statusCode).toBe(204);
    expect(api.pool.changes.at(-1)).toEqual({ method: 'deleteUser', args: ['Mixed.Case'] });
    expect(api.capture.calls.at(-1)).toBe('Mixed.Case');
    expect(api.capture.table.get('Mixed.Case')).toMatchObject({ deleted: true });
  });

  it('answers 404 for a user already gone, after making sure the table holds its tombstone', async () => {
    const api = givenAdminApi();
    const answer = await api.call('deleteUser', { username: 'nobody' });
    expect(answer.statusCode).toBe(404);
    expect(api.pool.changes).toEqual([]);
    expect(api.capture.calls).toEqual(['nobody']);
  });

  it('answers 503 when the tombstone cannot be written; a retry then writes it', async () => {
    const api = givenAdminApi();
    await api.call('updateUser', { body: { attributes: { name: 'Recorded' } } });
    api.capture.failNext(awsError('InternalServerError'));

    const failed = await api.call('deleteUser');
    expect(failed.statusCode).toBe(503);
    expect(api.pool.user('victim')).toBeUndefined();
    expect(api.capture.table.get('victim')?.deleted).toBeUndefined();

    const retried = await api.call('deleteUser');
    expect(retried.statusCode).toBe(404);
    expect(api.capture.table.get('victim')).toMatchObject({ deleted: true });
  });
});
