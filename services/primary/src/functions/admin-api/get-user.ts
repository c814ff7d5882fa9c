// GET /users/{username}: the user in the primary pool, its record in the table and whether the backup pool has
// it. Core: admin-api/routes/get-user.ts.
import { getUser } from '../../admin-api/routes/get-user';
import { adminApi, backupPool } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(getUser({ ...deps, backup: backupPool() }));
