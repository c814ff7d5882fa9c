// POST /users/{username}/enable: lets the user sign in again, then records it. Core:
// admin-api/routes/set-user-enabled.ts.
import { enableUser } from '../../admin-api/routes/set-user-enabled';
import { adminApi } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(enableUser(deps));
