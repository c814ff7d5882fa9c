// POST /users: creates a user in the primary pool (no invitation unless asked), adds its groups, then records
// it. Core: admin-api/routes/create-user.ts.
import { createUser } from '../../admin-api/routes/create-user';
import { adminApi } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(createUser(deps));
