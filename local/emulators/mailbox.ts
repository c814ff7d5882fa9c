// LOCAL ONLY: stands in for the email and SMS a Cognito pool sends (codes for sign-up, password reset, attribute
// verification). Each message is appended to a JSON-lines file, created 0600 because it holds addresses and codes,
// so tests and the drill can read a code as a user reads their inbox (readMailbox, with stack.json's contract in
// shared), and can see that a standby pool sent nothing.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeliveredMessage } from '@cognito-dr/shared';

type Message = { __code?: string };
type User = { Username: string };

/** A cognito-local message sender that delivers into `file`. */
export function mailbox(file: string) {
  const deliver =
    (medium: DeliveredMessage['medium']) =>
    async (_ctx: unknown, user: User, destination: string, message: Message) => {
      mkdirSync(dirname(file), { recursive: true });
      const entry: DeliveredMessage = {
        at: new Date().toISOString(),
        username: user.Username,
        destination,
        medium,
        code: message.__code,
      };
      appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    };
  return { sendEmail: deliver('email'), sendSms: deliver('sms') };
}
