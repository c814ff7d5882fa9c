// DELETE /users/{username}/groups/{group}: removes the user from a group, then records it. Core:
// admin-api/routes/group-membership.ts.
import { removeUserFromGroup } from '../../admin-api/routes/group-membership';
import { adminApi } from '../../admin-api/wiring';

const { deps, makeHandler } = adminApi();

export const handler = makeHandler(removeUserFromGroup(deps));
