// PUT /users/{username}: changes attributes in the primary pool (an email change is sent as verified, see
// parseUpdateUser), then rewrites the user's record; answers 200 with the user as now recorded.
import { type AdminDeps, captureNote, changedUser, changeThenCapture, type Route } from '../route';
import { parseUpdateUser, parseUsername } from '../validate';

export const updateUser =
  ({ pool, capture }: Pick<AdminDeps, 'pool' | 'capture'>): Route =>
  async ({ params, body }) => {
    const username = parseUsername(params.username);
    const attributes = parseUpdateUser(body);
    const captured = await changeThenCapture(capture, username, () =>
      pool.updateAttributes(username, attributes),
    );
    return { statusCode: 200, body: changedUser(captured), note: captureNote(captured) };
  };
