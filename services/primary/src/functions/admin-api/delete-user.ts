// DELETE /users/{username}: deletes a user from the primary pool, then tombstones its record so the replica
// deletes the backup copy. Core: admin-api/routes/delete-user.ts.
import { deleteUser } from '../../admin-api/routes/delete-user';
import { adminApi } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(deleteUser(deps));
