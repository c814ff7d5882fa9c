// Turns untrusted path parameters and JSON bodies into the inputs the routes act on, or refuses them with the
// field and the rule; nothing here calls AWS, so a refused request never changes the pool or the table.
import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { attributeRule } from './attribute-rules';
import { ValidationError } from './errors';

/** Larger bodies are refused before parsing (a user's attributes fit in a fraction of it). */
export const MAX_BODY_BYTES = 16 * 1024;

/** Groups set in one create; each is one Cognito call, and the function has a 10 s budget. */
export const MAX_GROUPS_PER_CREATE = 25;

const NAME_MAX_LENGTH = 128;
// Control, format (zero-width, bidi overrides), private-use, unassigned and lone-surrogate code points, and the
// default-ignorable ones that render as nothing (Hangul fillers, variation selectors): names that look alike
// must not be different users.
const INVISIBLE = /[\p{C}\p{Default_Ignorable_Code_Point}]/u;
const WHITESPACE = /[\s\p{Z}]/u;
// Cognito's own username and group-name pattern.
const COGNITO_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

/** Names are echoed in error messages, so they are shortened and stripped of anything invisible first. */
export function shown(name: string): string {
  const visible = name.replace(new RegExp(INVISIBLE.source, 'gu'), '?');
  const codePoints = [...visible];
  return codePoints.length > 64 ? `${codePoints.slice(0, 64).join('')}…` : visible;
}

function checkName(field: string, value: unknown, { requireNfc = false } = {}): string {
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError(field, 'required');
  const length = [...value].length;
  if (length > NAME_MAX_LENGTH)
    throw new ValidationError(field, `must be 1 to ${NAME_MAX_LENGTH} characters`);
  if (INVISIBLE.test(value)) {
    throw new ValidationError(field, 'must not contain control, format or invisible characters');
  }
  if (WHITESPACE.test(value)) throw new ValidationError(field, 'must not contain whitespace');
  // Path separators and dot segments: the name travels in URL paths and log tooling, where they mean something.
  if (value.includes('/') || value.includes('\\'))
    throw new ValidationError(field, "must not contain '/' or '\\'");
  if (value === '.' || value.includes('..'))
    throw new ValidationError(field, "must not be '.' or contain '..'");
  if (!COGNITO_NAME.test(value)) {
    throw new ValidationError(field, 'may contain letters, marks, symbols, digits and punctuation only');
  }
  // Only new names: an existing user whose name is not NFC must stay reachable.
  if (requireNfc && value !== value.normalize('NFC')) {
    throw new ValidationError(field, 'must be in Unicode normalization form C (composed characters)');
  }
  return value;
}

/** A username taken from the path (decoded by API Gateway), naming an existing user. */
export function parseUsername(value: unknown): string {
  return checkName('username', value);
}

export function parseGroupName(value: unknown): string {
  return checkName('group', value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) throw new ValidationError('body', 'required: a JSON object');
  if (!isPlainObject(body)) throw new ValidationError('body', 'must be a JSON object');
  return body;
}

function refuseUnknownFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(shown(key), `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** Routes that act on the path alone refuse a body rather than silently ignore what the caller meant. */
export function parseNoBody(body: unknown): void {
  if (body !== undefined) throw new ValidationError('body', 'this route takes no body');
}

function parseAttributes(value: unknown, { creating }: { creating: boolean }): Map<string, string> {
  if (!isPlainObject(value)) throw new ValidationError('attributes', 'must be a JSON object of strings');
  const attributes = new Map<string, string>();
  for (const [name, attributeValue] of Object.entries(value)) {
    const verdict = attributeRule(name);
    if (!verdict.ok) throw new ValidationError(shown(name), verdict.rule);
    if (verdict.rule.createOnly && !creating) {
      throw new ValidationError(name, 'cannot be changed after the user is created');
    }
    if (typeof attributeValue !== 'string') throw new ValidationError(name, 'must be a string');
    const broken = verdict.rule.check(attributeValue);
    if (broken) throw new ValidationError(name, broken);
    attributes.set(name, attributeValue);
  }
  return attributes;
}

/**
 * An address an administrator sets is taken as verified (email_verified "true" in the same call), as the
 * earlier sample API did: otherwise Cognito would hold the change until the user confirms a code, and the user
 * could no longer sign in with, or recover a password to, the new address. An explicit email_verified wins.
 */
function markEmailVerified(attributes: Map<string, string>): void {
  if (attributes.has('email') && !attributes.has('email_verified')) attributes.set('email_verified', 'true');
}

function toAttributeList(attributes: Map<string, string>): AttributeType[] {
  return [...attributes].map(([Name, Value]) => ({ Name, Value }));
}

const UPDATE_FIELDS = ['email', 'attributes'] as const;

/**
 * PUT /users/{username}: `{"email": "…"}` (the earlier sample API's body) and/or `{"attributes": {…}}`.
 * Returns the attributes to send in one AdminUpdateUserAttributes call.
 */
export function parseUpdateUser(body: unknown): AttributeType[] {
  const input = objectBody(body);
  refuseUnknownFields(input, UPDATE_FIELDS);
  const attributes =
    input.attributes === undefined
      ? new Map<string, string>()
      : parseAttributes(input.attributes, { creating: false });
  if (input.email !== undefined) {
    if (attributes.has('email'))
      throw new ValidationError('email', 'given both at top level and in attributes');
    for (const [name, value] of parseAttributes({ email: input.email }, { creating: false })) {
      attributes.set(name, value);
    }
  }
  if (attributes.size === 0) throw new ValidationError('body', 'nothing to change: give email or attributes');
  markEmailVerified(attributes);
  return toAttributeList(attributes);
}

export interface NewUser {
  username: string;
  attributes: AttributeType[];
  /** Sorted, without duplicates. */
  groups: string[];
  temporaryPassword?: string;
  /** Cognito's invitation message is suppressed unless the caller asks for it. */
  sendInvitation: boolean;
}

const CREATE_FIELDS = ['username', 'attributes', 'groups', 'temporaryPassword', 'sendInvitation'] as const;

/** POST /users. */
export function parseCreateUser(body: unknown): NewUser {
  const input = objectBody(body);
  refuseUnknownFields(input, CREATE_FIELDS);
  const username = checkName('username', input.username, { requireNfc: true });
  if (input.attributes === undefined)
    throw new ValidationError('attributes', 'required: a JSON object of strings');
  const attributes = parseAttributes(input.attributes, { creating: true });
  markEmailVerified(attributes);

  let groups: string[] = [];
  if (input.groups !== undefined) {
    if (!Array.isArray(input.groups)) throw new ValidationError('groups', 'must be a list of group names');
    groups = [...new Set(input.groups.map((group) => checkName('groups', group)))].sort();
    if (groups.length > MAX_GROUPS_PER_CREATE) {
      throw new ValidationError('groups', `at most ${MAX_GROUPS_PER_CREATE} groups`);
    }
  }

  let temporaryPassword: string | undefined;
  if (input.temporaryPassword !== undefined) {
    const password = input.temporaryPassword;
    // Cognito's own pattern and limit; the pool's password policy is enforced by Cognito itself.
    if (typeof password !== 'string' || !/^\S{1,256}$/u.test(password)) {
      throw new ValidationError('temporaryPassword', 'must be 1 to 256 characters without whitespace');
    }
    temporaryPassword = password;
  }

  if (input.sendInvitation !== undefined && typeof input.sendInvitation !== 'boolean') {
    throw new ValidationError('sendInvitation', 'must be true or false');
  }
  const sendInvitation = input.sendInvitation === true;
  // The invitation goes by e-mail only: SMS needs a pool SMS configuration this project does not set up.
  if (sendInvitation && !attributes.has('email')) {
    throw new ValidationError('sendInvitation', 'needs an email attribute to send the invitation to');
  }

  return {
    username,
    attributes: toAttributeList(attributes),
    groups,
    ...(temporaryPassword === undefined ? {} : { temporaryPassword }),
    sendInvitation,
  };
}
