// LOCAL ONLY: stands in for the email and SMS a Cognito pool sends (codes for sign-up, password reset, attribute
// verification). Each message is appended to a JSON-lines file, created 0600 because it holds addresses and codes,
// so tests and the drill can read a code as a user reads their inbox, and can see that a standby pool sent nothing.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DeliveredMessage {
  at: string;
  username: string;
  /** Where it went: the address or number. */
  destination: string;
  medium: 'email' | 'sms';
  code?: string;
}

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

/** Every message delivered into `file` so far (none when nothing was ever sent). */
export function readMailbox(file: string): DeliveredMessage[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DeliveredMessage);
}
