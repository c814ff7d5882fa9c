// Guard rails of the commands that write records, end to end on the local stack: a command pointed at a table whose
// records name another deployment's pools, or run on a machine whose clock is off, refuses before writing anything.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '@cognito-dr/shared';
import { directly } from '../support/directly';
import { operator } from '../support/operator';
import { primaryPool, primaryTable, stack } from '../support/stack';
import { when } from '../support/when';

const FAST = ['--quota-share', '1', '--concurrency', '16'];
const recordOf = async (username: string) =>
  (
    await primaryTable.send(
      new GetCommand({ TableName: stack.primary.tableName, Key: { username }, ConsistentRead: true }),
    )
  ).Item;

describe('guard rails of the commands that write records', () => {
  it("refuses a laptop's dev pool pointed at this deployment's table, and writes none of its users", async () => {
    // Given a table holding records of this deployment's primary pool
    await directly.createUsers(1, () => ({}));
    expect((await operator.runs('backfill', ...FAST)).code).toBe(0);

    // and a laptop whose stack description names a dev pool of its own, with a user, beside that same table
    const { UserPool } = await primaryPool.send(
      new CreateUserPoolCommand({ PoolName: `laptop-dev-${randomBytes(3).toString('hex')}` }),
    );
    const devPoolId = UserPool?.Id as string;
    const devUser = `laptop-${randomBytes(4).toString('hex')}`;
    await primaryPool.send(
      new AdminCreateUserCommand({ UserPoolId: devPoolId, Username: devUser, MessageAction: 'SUPPRESS' }),
    );
    const laptopStack = join(mkdtempSync(join(tmpdir(), 'cognito-dr-laptop-')), 'stack.json');
    // (0600: a stack description holds the admin password)
    writeFileSync(
      laptopStack,
      JSON.stringify({ ...stack, primary: { ...stack.primary, userPoolId: devPoolId } }),
      { mode: 0o600 },
    );

    for (const command of ['backfill', 'reconcile']) {
      // When it runs a command that writes records
      const run = await operator.runsFrom({ stackFile: laptopStack }, command, ...FAST);

      // Then the command is refused with exit code 2, naming the pool the table's records come from
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `holds records of pool ${stack.primary.userPoolId} (${stack.primary.region})`,
      );
      expect(run.stderr).toContain(`${devPoolId} in ${stack.primary.region}`);
    }
    // and nothing of the dev pool reached the table
    const { Item } = await primaryTable.send(
      new GetCommand({
        TableName: stack.primary.tableName,
        Key: { username: devUser },
        ConsistentRead: true,
      }),
    );
    expect(Item).toBeUndefined();
    const { Items = [] } = await primaryTable.send(
      new ScanCommand({
        TableName: stack.primary.tableName,
        FilterExpression: 'poolId = :dev',
        ExpressionAttributeValues: { ':dev': devPoolId },
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([]);
  });

  it('refuses a laptop whose clock runs 5 s fast before any record carries its time, and runs once it is right', async () => {
    // Given users nothing has captured yet (CloudTrail delivery lost while they were created)
    await when.cloudTrailDelivers(false);
    const users = await directly.createUsers(2, () => ({})).finally(() => when.cloudTrailDelivers(true));

    // When a laptop whose clock runs 5 s fast runs backfill
    const fast: Clock = {
      now: () => Date.now() + 5_000,
      sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    const refused = await operator.runsFrom({ clock: fast }, 'backfill', ...FAST);

    // Then it is refused with exit code 2 and the offset measured against AWS's answers
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the local clock is [456]\.\d s ahead of AWS \(±\d\.\d s/);
    // and no record was written
    for (const username of users) expect(await recordOf(username)).toBeUndefined();

    // When the clock is right again, the same backfill writes them
    expect((await operator.runs('backfill', ...FAST)).code).toBe(0);
    for (const username of users) expect(await recordOf(username)).toMatchObject({ username });
  });
});
