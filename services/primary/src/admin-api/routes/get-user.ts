// GET /users/{username}: the user in the primary pool, its record in the replication table (version, updatedAt)
// and whether the backup pool has it yet; changes nothing.
import { errorName } from '@cognito-dr/shared';
import { NotFoundError } from '../errors';
import { presentPoolUser, presentRecordState } from '../present-user';
import type { AdminDeps, Route } from '../route';
import { parseNoBody, parseUsername } from '../validate';

export const getUser =
  ({ pool, records, backup }: Pick<AdminDeps, 'pool' | 'records' | 'backup'>): Route =>
  async ({ params, body }) => {
    const username = parseUsername(params.username);
    parseNoBody(body);
    const poolUser = await pool.readUser(username);
    if (!poolUser) throw NotFoundError.user();
    // Table and backup pool are keyed by the pool's own spelling of the name.
    const canonical = poolUser.user.Username ?? username;
    let backupCheck: string = 'ok';
    const [record, inBackup] = await Promise.all([
      records.getRecord(canonical),
      // The backup region being unreachable is exactly when an operator looks here, so it must not fail the
      // answer: presence is then reported as unknown (null).
      backup.hasUser(canonical).catch((error: unknown) => {
        backupCheck = errorName(error) ?? 'failed';
        return null;
      }),
    ]);
    return {
      statusCode: 200,
      body: {
        user: presentPoolUser(poolUser),
        record: record ? presentRecordState(record) : null,
        backup: { present: inBackup },
      },
      note: { backupCheck },
    };
  };
