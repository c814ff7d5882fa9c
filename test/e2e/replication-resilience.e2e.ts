// The replica under the faults it must survive in production: duplicates, replays of old versions and a record
// that can never apply, all in one stream batch; and a backup pool that throttles a third of its calls.
import { existsSync, readFileSync } from 'node:fs';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { given, type TestUser } from '../support/given';
import { invokeReplica } from '../support/lambda';
import { backupPool, backupTable, stack } from '../support/stack';
import { then } from '../support/then';
import { when } from '../support/when';

const recordOf = async (user: TestUser) =>
  (
    await backupTable.send(
      new GetCommand({ TableName: stack.backup.tableName, Key: { username: user.username } }),
    )
  ).Item as Record<string, unknown>;

let sequence = 9_000_000;
const streamRecord = (item: Record<string, unknown>) => {
  sequence += 1;
  return {
    eventID: `e2e-${sequence}`,
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: stack.backup.region,
    eventSourceARN: `arn:aws:dynamodb:${stack.backup.region}:000000000000:table/${stack.backup.tableName}/stream/e2e`,
    dynamodb: {
      Keys: marshall({ username: item.username }),
      NewImage: marshall(item, { removeUndefinedValues: true }),
      SequenceNumber: String(sequence),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
};

describe('the replica', () => {
  it('converges a batch with a duplicate, an old replay and a poison record, and parks only the poison', async () => {
    const alice = given.aRandomUser({ 'custom:tier': 'silver' });
    const bob = given.aRandomUser({ 'custom:tier': 'bronze' });
    await Promise.all([when.theUserSignsUpAndIsConfirmed(alice), when.theUserSignsUpAndIsConfirmed(bob)]);
    await then.theBackupUserHasAttributes(alice, { 'custom:tier': 'silver' }, { within: 10_000 });
    await then.theBackupUserHasAttributes(bob, { 'custom:tier': 'bronze' }, { within: 10_000 });
    const aliceV1 = await recordOf(alice);

    await when.theUserChangesAttributesAndResetsTheirPassword(alice, { 'custom:tier': 'platinum' });
    await then.theBackupUserHasAttributes(alice, { 'custom:tier': 'platinum' }, { within: 10_000 });
    const aliceV2 = await recordOf(alice);
    expect(Number(aliceV2.version)).toBeGreaterThan(Number(aliceV1.version));

    const poison = { ...(await recordOf(bob)), username: `poison-${bob.username}`, status: 'NOT_A_STATUS' };
    const batch = [aliceV2, aliceV1, poison, await recordOf(bob), aliceV2].map(streamRecord);
    const poisonSequence = batch[2]?.dynamodb.SequenceNumber;

    const response = (await invokeReplica({ Records: batch })) as { batchItemFailures: unknown[] };

    expect(response.batchItemFailures).toEqual([]);
    const alice2 = await backupPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: alice.username }),
    );
    expect(then.attributesOf(alice2)['custom:tier']).toBe('platinum');
    const bob2 = await backupPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: bob.username }),
    );
    expect(then.attributesOf(bob2)['custom:tier']).toBe('bronze');
    const parked = readFileSync(stack.deadLetters.replicaParked, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { sequenceNumber?: string });
    expect(parked.map((p) => p.sequenceNumber)).toContain(poisonSequence);
    expect(parked.map((p) => p.sequenceNumber)).not.toContain(batch[0]?.dynamodb.SequenceNumber);
  });

  it('holds back a record of a newer schema, reporting it to the stream, never parking it', async () => {
    const carol = given.aRandomUser();
    await when.theUserSignsUpAndIsConfirmed(carol);
    await then.theUserIsInTheBackupPool(carol, { within: 10_000 });
    const future = streamRecord({ ...(await recordOf(carol)), schemaVersion: 999 });

    const response = (await invokeReplica({ Records: [future] })) as {
      batchItemFailures: { itemIdentifier: string }[];
    };

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: future.dynamodb.SequenceNumber }]);
    const file = stack.deadLetters.replicaParked;
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').not.toContain(future.dynamodb.SequenceNumber);
  });

  it('brings every user across while the backup pool throttles 30 % of its calls', async () => {
    const users = Array.from({ length: 12 }, (_, i) => given.aRandomUser({ 'custom:tier': `t${i}` }));
    const before = await when.theBackupPoolThrottles(0.3);
    try {
      await Promise.all(users.map((u) => when.theUserSignsUpAndIsConfirmed(u)));
      for (const [i, u] of users.entries()) {
        await then.theBackupUserHasAttributes(
          u,
          { 'custom:tier': `t${i}`, email: u.attributes.email ?? '' },
          { within: 30_000 },
        );
      }
    } finally {
      const after = await when.theBackupPoolThrottles(0);
      expect(after.throttled).toBeGreaterThan(before.throttled);
    }
  });
});
