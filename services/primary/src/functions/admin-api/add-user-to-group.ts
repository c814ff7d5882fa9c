// PUT /users/{username}/groups/{group}: adds the user to a group, then records it. Core:
// admin-api/routes/group-membership.ts.
import { addUserToGroup } from '../../admin-api/routes/group-membership';
import { adminApi } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(addUserToGroup(deps));
