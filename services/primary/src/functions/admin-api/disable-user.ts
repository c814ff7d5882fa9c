// POST /users/{username}/disable: stops the user signing in, then records it. Core:
// admin-api/routes/set-user-enabled.ts.
import { disableUser } from '../../admin-api/routes/set-user-enabled';
import { adminApi } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(disableUser(deps));
