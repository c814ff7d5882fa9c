import { TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { secretHash } from '@cognito-dr/shared';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import {
  ReplicatorClientError,
  readReplicationMetadata,
  replicationMetadata,
  replicatorClient,
} from './replicator-client';

describe('replicatorClient', () => {
  it('reads the secret once, on first use', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'rep', name: 'cognito-dr-replicator', secret: 's3cr3t' });
    const client = replicatorClient(pool.client, pool.userPoolId, 'rep');
    expect(pool.calls).toEqual([]);
    expect(await client.secretHash('a')).toBe(secretHash('s3cr3t', 'a', 'rep'));
    expect(await client.secretHash('b')).toBe(secretHash('s3cr3t', 'b', 'rep'));
    expect(pool.calls).toEqual(['DescribeUserPoolClient']);
    client.forget();
    await client.secretHash('c');
    expect(pool.calls).toEqual(['DescribeUserPoolClient', 'DescribeUserPoolClient']);
  });

  it('says what is wrong with a client that is missing or has no secret', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'plain', name: 'cognito-dr-replicator' });
    await expect(replicatorClient(pool.client, pool.userPoolId, 'plain').secretHash('a')).rejects.toThrow(
      new ReplicatorClientError(
        'REPLICATOR_CLIENT_ID: the client has no secret; the replicator client needs GenerateSecret: true',
      ),
    );
    await expect(replicatorClient(pool.client, pool.userPoolId, 'gone').secretHash('a')).rejects.toThrow(
      /no such app client/,
    );
  });

  it('does not keep a failed read: the next user reads again', async () => {
    const pool = new FakeUserPool();
    pool.addAppClient({ clientId: 'rep', name: 'cognito-dr-replicator', secret: 's3cr3t' });
    pool.failNext('DescribeUserPoolClient', new TooManyRequestsException({ message: 'slow', $metadata: {} }));
    const client = replicatorClient(pool.client, pool.userPoolId, 'rep');
    await expect(client.secretHash('a')).rejects.toThrow(TooManyRequestsException);
    expect(await client.secretHash('a')).toBe(secretHash('s3cr3t', 'a', 'rep'));
  });
});

describe('replication metadata', () => {
  it('round-trips the verification flags and whether the user is confirmed', () => {
    for (const confirmed of [true, false]) {
      const signUp = { emailVerified: true, phoneNumberVerified: false, confirmed };
      expect(readReplicationMetadata(replicationMetadata(signUp))).toEqual(signUp);
    }
  });

  it('reads a sign-up of a replica that does not say whether the user is confirmed as confirmed', () => {
    expect(
      readReplicationMetadata({
        replication: 'cognito-dr/1',
        emailVerified: 'true',
        phoneNumberVerified: 'true',
      }),
    ).toEqual({ emailVerified: true, phoneNumberVerified: true, confirmed: true });
  });

  it.each([
    [undefined, /clientMetadata.replication/],
    [{ replication: 'cognito-dr/1', emailVerified: 'yes', phoneNumberVerified: 'false' }, /emailVerified/],
    [{ replication: 'cognito-dr/1', emailVerified: 'true' }, /phoneNumberVerified/],
    [{ replication: 'other/9', emailVerified: 'true', phoneNumberVerified: 'true' }, /replication/],
    [
      { replication: 'cognito-dr/1', emailVerified: 'true', phoneNumberVerified: 'true', confirmed: 'no' },
      /confirmed/,
    ],
  ])('names the broken key of %j', (metadata, rule) => {
    const read = readReplicationMetadata(metadata);
    expect(read).toEqual({ broken: expect.stringMatching(rule) });
  });
});
