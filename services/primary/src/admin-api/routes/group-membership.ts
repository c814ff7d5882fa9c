// PUT and DELETE /users/{username}/groups/{group}: adds the user to, or removes it from, a group of the primary
// pool, then captures it; answers 200 with the user as recorded, or 204.
import { isErrorNamed } from '@cognito-dr/shared';
import { NotFoundError } from '../errors';
import { type AdminDeps, captureNote, changedUser, changeThenCapture, type Route } from '../route';
import { parseGroupName, parseNoBody, parseUsername } from '../validate';

/** On these routes ResourceNotFoundException can only mean the group (elsewhere it would be the pool: a 500). */
function groupNotFound(error: unknown): never {
  if (isErrorNamed(error, 'ResourceNotFoundException')) throw NotFoundError.group('group');
  throw error;
}

export const addUserToGroup =
  ({ pool, capture }: Pick<AdminDeps, 'pool' | 'capture'>): Route =>
  async ({ params, body }) => {
    const username = parseUsername(params.username);
    const group = parseGroupName(params.group);
    parseNoBody(body);
    const captured = await changeThenCapture(capture, username, () => pool.addToGroup(username, group)).catch(
      groupNotFound,
    );
    return { statusCode: 200, body: changedUser(captured), note: captureNote(captured) };
  };

export const removeUserFromGroup =
  ({ pool, capture }: Pick<AdminDeps, 'pool' | 'capture'>): Route =>
  async ({ params, body }) => {
    const username = parseUsername(params.username);
    const group = parseGroupName(params.group);
    parseNoBody(body);
    const captured = await changeThenCapture(capture, username, () =>
      pool.removeFromGroup(username, group),
    ).catch(groupNotFound);
    return { statusCode: 204, note: captureNote(captured) };
  };
