// DELETE /users/{username}: deletes the user from the primary pool, then captures it, which turns its record
// into a tombstone (the replica then deletes the backup copy); answers 204.
import { NotFoundError } from '../errors';
import { type AdminDeps, captureNote, changeThenCapture, type Route } from '../route';
import { parseNoBody, parseUsername } from '../validate';

export const deleteUser =
  ({ pool, capture }: Pick<AdminDeps, 'pool' | 'capture'>): Route =>
  async ({ params, body }) => {
    const username = parseUsername(params.username);
    parseNoBody(body);
    // The pool matches usernames case-insensitively but the table is keyed by the pool's own spelling; after
    // the delete nothing could tell that spelling any more, so it is read first.
    const canonical = await pool.canonicalUsername(username);
    if (canonical === null) {
      // Already gone, e.g. a retry after a 503: still make sure the table holds the tombstone.
      await changeThenCapture(capture, username, async () => {}, { userMustExist: false });
      throw NotFoundError.user();
    }
    const captured = await changeThenCapture(capture, canonical, () => pool.deleteUser(canonical));
    return { statusCode: 204, note: captureNote(captured) };
  };
