// POST /users: creates a user in the primary pool (no invitation unless sendInvitation), adds its groups, then
// captures it; answers 201 with the user as recorded.
import { isErrorNamed } from '@cognito-dr/shared';
import { NotFoundError } from '../errors';
import { type AdminDeps, captureNote, changedUser, changeThenCapture, type Route } from '../route';
import { parseCreateUser } from '../validate';

export const createUser =
  ({ pool, capture }: Pick<AdminDeps, 'pool' | 'capture'>): Route =>
  async ({ body }) => {
    const user = parseCreateUser(body);
    // Checked before creating, so a typo in a group name does not leave a user created without it.
    for (const group of user.groups) {
      if (!(await pool.groupExists(group))) throw NotFoundError.group('groups');
    }
    try {
      const captured = await changeThenCapture(
        capture,
        user.username,
        async () => {
          await pool.createUser(user);
          for (const group of user.groups) await pool.addToGroup(user.username, group);
        },
        // A create refused by the pool leaves no user, and the refusal (400, 409) is the answer.
        { userMustExist: false },
      );
      return { statusCode: 201, body: changedUser(captured), note: captureNote(captured) };
    } catch (error) {
      // A group deleted between the check and the add; the user exists and its record says so.
      if (isErrorNamed(error, 'ResourceNotFoundException')) throw NotFoundError.group('groups');
      throw error;
    }
  };
