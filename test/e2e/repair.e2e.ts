// Repair from the table, end to end on the local stack: a backup pool that drifted (a user deleted, a user changed,
// a user added, all straight on the backup pool, where no stream record ever reports them) is brought back to the
// table's replica by `cognito-dr repair`, and verify then finds nothing left to fix.
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { directly } from '../support/directly';
import { eventually } from '../support/eventually';
import { type CliRun, operator } from '../support/operator';
import { backupPool, stack } from '../support/stack';

type Counts = Record<'checked' | 'created' | 'updated' | 'deleted' | 'unchanged' | 'failed', number>;
const countsOf = (run: CliRun) => run.json.counts as Counts;
// The emulators have no quotas: the budgets per category are covered by unit tests, so here it only needs to be fast.
const FAST = ['--quota-share', '1', '--concurrency', '16'];
/** Other suites share the stack and change it meanwhile: look for this test's users, not for exact totals. */
const driftUsers = (run: CliRun) => {
  const users = run.json.users as { missing: string[]; stale: { username: string }[]; extra: string[] };
  return { missing: users.missing, stale: users.stale.map((s) => s.username), extra: users.extra };
};
const UserPoolId = stack.backup.userPoolId;

const verifyReportsNoDrift = () =>
  eventually(
    () => operator.runs('verify'),
    (run) => run.code === 0,
    { within: 90_000, what: 'verify reporting no drift between the table and the backup pool' },
  );

describe('repairing the backup pool from the table', () => {
  it('brings back a deleted backup user, undoes a change and removes a user the table never had', async () => {
    // Given users replicated to the backup pool, and verify finding no drift
    const users = await directly.createUsers(6, (index) => ({
      'custom:tier': `tier-${index}`,
      name: `Repair ${index}`,
    }));
    expect((await operator.runs('backfill', ...FAST)).code).toBe(0);
    await verifyReportsNoDrift();

    // When the backup pool drifts, straight through its admin API: a deletion, a change, a disable and an extra user
    const [deleted, changed, disabled] = users as [string, string, string];
    const extra = `${deleted}-extra`;
    await backupPool.send(new AdminDeleteUserCommand({ UserPoolId, Username: deleted }));
    await backupPool.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId,
        Username: changed,
        UserAttributes: [{ Name: 'custom:tier', Value: 'tampered' }],
      }),
    );
    await backupPool.send(new AdminDisableUserCommand({ UserPoolId, Username: disabled }));
    await backupPool.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: extra,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: `${extra}@example.com` }],
      }),
    );

    // Then verify sees each of them
    const drifted = await operator.runs('verify', '--verbose');
    expect(drifted.code).toBe(1);
    expect(driftUsers(drifted)).toEqual({
      missing: expect.arrayContaining([deleted]),
      stale: expect.arrayContaining([changed, disabled]),
      extra: expect.arrayContaining([extra]),
    });

    // And a dry run of the repair counts them without changing anything
    const dryRun = await operator.runs('repair', ...FAST, '--dry-run', '--verbose');
    expect(dryRun.code).toBe(0);
    expect((dryRun.json.users as Record<string, string[]>).created).toContain(deleted);
    expect((dryRun.json.users as Record<string, string[]>).updated).toEqual(
      expect.arrayContaining([changed, disabled]),
    );
    expect((dryRun.json.users as Record<string, string[]>).deleted).toContain(extra);
    expect(driftUsers(await operator.runs('verify', '--verbose'))).toEqual({
      missing: expect.arrayContaining([deleted]),
      stale: expect.arrayContaining([changed, disabled]),
      extra: expect.arrayContaining([extra]),
    });

    // When the operator repairs the backup pool
    const repair = await operator.runs('repair', ...FAST, '--verbose');

    // Then every drifted user is converged and verify finds no drift at all
    expect(repair.stderr).toBe('');
    expect(repair.code).toBe(0);
    expect(countsOf(repair)).toMatchObject({ failed: 0 });
    expect(countsOf(repair).created).toBeGreaterThanOrEqual(1);
    expect(countsOf(repair).updated).toBeGreaterThanOrEqual(2);
    expect(countsOf(repair).deleted).toBeGreaterThanOrEqual(1);
    const after = driftUsers(await operator.runs('verify', '--verbose'));
    for (const username of [deleted, changed, disabled, extra]) {
      expect([...after.missing, ...after.stale, ...after.extra]).not.toContain(username);
    }
    await verifyReportsNoDrift();

    // And a second repair finds nothing to do
    const again = await operator.runs('repair', ...FAST);
    expect(countsOf(again)).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
  });
});
