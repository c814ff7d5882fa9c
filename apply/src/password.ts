// Random passwords for backup users: nobody ever knows them, they only take users out of FORCE_CHANGE_PASSWORD.
import { randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
// A subset of the characters Cognito counts as special, without quotes, backslash and space, which some
// tooling mangles.
const SYMBOLS = '^$*.[]{}()?!@#%&/,><:;|_~=+-';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

export const PASSWORD_LENGTH = 40;

/**
 * A password with at least one character of each class, so it passes any Cognito password policy up to 40
 * characters. crypto.randomInt is unbiased and cryptographically secure.
 */
export function randomPassword(length = PASSWORD_LENGTH): string {
  const chars = [UPPER, LOWER, DIGITS, SYMBOLS].map(pick);
  while (chars.length < length) chars.push(pick(ALL));
  // Fisher-Yates, so the guaranteed characters do not always sit at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet.charAt(randomInt(alphabet.length));
}
