// PUT /users/{username}: changes a user's attributes (an email change is sent as verified so the user can still
// sign in), then rewrites its record. Core and rules: admin-api/routes/update-user.ts.
import { updateUser } from '../../admin-api/routes/update-user';
import { adminApi } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(updateUser(deps));
