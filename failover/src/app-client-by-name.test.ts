import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import { appClientByName } from './app-client-by-name';

const REPLICATOR = 'cognito-dr-replicator';

describe('appClientByName', () => {
  it('knows the replicator client by its name, listing the clients once', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'app', name: 'cognito-dr-app' });
    pool.addAppClient({ clientId: 'rep', name: REPLICATOR, secret: 's' });
    const isReplicator = appClientByName(pool.client, REPLICATOR);
    expect(await isReplicator(pool.userPoolId, 'rep')).toBe(true);
    expect(await isReplicator(pool.userPoolId, 'app')).toBe(false);
    expect(pool.calls).toEqual(['ListUserPoolClients']);
  });

  it('trusts neither of two clients with the name', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'rep', name: REPLICATOR, secret: 's' });
    pool.addAppClient({ clientId: 'impostor', name: REPLICATOR });
    const isReplicator = appClientByName(pool.client, REPLICATOR);
    expect(await isReplicator(pool.userPoolId, 'rep')).toBe(false);
    expect(await isReplicator(pool.userPoolId, 'impostor')).toBe(false);
  });

  it('lists again, at most once a minute, when an unknown client signs up (a replaced replicator)', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'old', name: REPLICATOR, secret: 's' });
    let now = 0;
    const isReplicator = appClientByName(pool.client, REPLICATOR, () => now);
    expect(await isReplicator(pool.userPoolId, 'old')).toBe(true);
    pool.appClients.delete('old');
    pool.addAppClient({ clientId: 'new', name: REPLICATOR, secret: 's' });
    expect(await isReplicator(pool.userPoolId, 'new')).toBe(false);
    now = 60_000;
    expect(await isReplicator(pool.userPoolId, 'new')).toBe(true);
    expect(pool.calls).toEqual(['ListUserPoolClients', 'ListUserPoolClients']);
  });
});
