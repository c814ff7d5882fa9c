// POST /users/{username}/disable and /enable: switches sign-in off or on in the primary pool, then captures the
// user; answers 200 with the user as recorded.
import { type AdminDeps, captureNote, changedUser, changeThenCapture, type Route } from '../route';
import { parseNoBody, parseUsername } from '../validate';

const setUserEnabled =
  (enabled: boolean) =>
  ({ pool, capture }: Pick<AdminDeps, 'pool' | 'capture'>): Route =>
  async ({ params, body }) => {
    const username = parseUsername(params.username);
    parseNoBody(body);
    const captured = await changeThenCapture(capture, username, () => pool.setEnabled(username, enabled));
    return { statusCode: 200, body: changedUser(captured), note: captureNote(captured) };
  };

export const disableUser = setUserEnabled(false);
export const enableUser = setUserEnabled(true);
