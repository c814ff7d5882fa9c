// After a failover the primary is on standby: every changing route answers 409 and changes nothing; reads go on.
import { givenAdminApi, ROUTE_NAMES, ROUTES } from './testing/harness';

describe('the admin API of a region on standby', () => {
  const changing = ROUTE_NAMES.filter((name) => ROUTES[name].method !== 'GET');

  it.each(changing)('refuses %s with 409, naming where to go, and changes nothing', async (name) => {
    const api = givenAdminApi();
    api.region.active = false;
    const answer = await api.call(name, {
      body: { username: 'newbie', attributes: { email: 'newbie@example.com' }, email: 'x@example.com' },
    });
    expect(answer.statusCode).toBe(409);
    expect(answer.body?.message).toMatch(/standby.*active region/);
    expect(api.pool.calls).toEqual([]);
    expect(api.capture.calls).toEqual([]);
  });

  it('still answers GET, and refuses a caller without a token first (401, not 409)', async () => {
    const api = givenAdminApi();
    api.region.active = false;
    expect((await api.call('getUser')).statusCode).toBe(200);
    expect((await api.call('updateUser', { token: null, body: { email: 'x@example.com' } })).statusCode).toBe(
      401,
    );
  });
});
