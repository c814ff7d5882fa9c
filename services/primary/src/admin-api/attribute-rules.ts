// What an administrator may write into each user attribute: Cognito's standard attributes, plus the custom ones
// declared in shared/pool-schema.json (read from there, so a new attribute needs no change here).

import { isReplicatedAttribute } from '@cognito-dr/shared';
import poolSchema from '@cognito-dr/shared/pool-schema.json';

/** Returns the rule a value breaks, or undefined when it is acceptable. */
type Check = (value: string) => string | undefined;

export interface AttributeRule {
  check: Check;
  /** Declared immutable in the pool schema: it can be set when the user is created, never changed after. */
  createOnly: boolean;
}

/** Cognito's limit for a standard string attribute. */
const STANDARD_MAX_LENGTH = 2048;

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;
// A postal address is the one value where line breaks belong (OIDC's `formatted` address uses them).
const CONTROL_EXCEPT_LINE_BREAKS = /[^\P{Cc}\n\r\t]/u;

function text(maxLength: number, minLength = 1, { multiline = false } = {}): Check {
  return (value) => {
    // Cognito treats an empty value as "no attribute"; removing attributes is a separate operation not offered.
    if (value.length === 0) return 'must not be empty (removing an attribute is not supported)';
    if (value.length < minLength) return `must be at least ${minLength} characters`;
    if (value.length > maxLength) return `must be at most ${maxLength} characters`;
    if (LONE_SURROGATE.test(value)) return 'not valid Unicode text';
    if ((multiline ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL).test(value))
      return 'must not contain control characters';
    return undefined;
  };
}

const ATEXT = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const EMAIL_LOCAL_PART = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*$`, 'u');
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** A dot-atom address on a real-looking domain: the shape mail systems deliver to, without quoted local parts. */
const email: Check = (value) => {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  const valid =
    at > 0 &&
    value.length <= 254 &&
    local.length <= 64 &&
    EMAIL_LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    !/^\d+$/.test(labels[labels.length - 1] ?? '');
  return valid ? undefined : 'not a valid address';
};

const phoneNumber: Check = (value) =>
  /^\+[1-9]\d{1,14}$/.test(value)
    ? undefined
    : 'not an E.164 number (a + and up to 15 digits, e.g. +14155550100)';

const booleanString: Check = (value) =>
  value === 'true' || value === 'false' ? undefined : 'must be the string "true" or "false"';

/** OIDC birthdate: YYYY-MM-DD, where the year may be 0000 when it is withheld. */
const birthdate: Check = (value) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return 'must be a date written YYYY-MM-DD';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Year 0000 means "not given"; 2000 is a leap year so 02-29 stays possible.
  const date = new Date(Date.UTC(year === 0 ? 2000 : year, month - 1, day));
  const real = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? undefined : 'not a real calendar date';
};

const epochSeconds: Check = (value) =>
  /^\d{1,12}$/.test(value) ? undefined : 'must be a number of seconds since 1970-01-01';

const standardText = text(STANDARD_MAX_LENGTH);

/** Profile links end up as hrefs in whatever UI shows the user, so only web URLs are stored. */
const webUrl: Check = (value) => {
  const broken = standardText(value);
  if (broken) return broken;
  try {
    const { protocol } = new URL(value);
    if (protocol === 'https:' || protocol === 'http:') return undefined;
  } catch {
    // falls through to the rule below
  }
  return 'must be an http or https URL';
};

const writable = (check: Check): AttributeRule => ({ check, createOnly: false });

/** Cognito's standard attributes an administrator can write (sub and identities are refused separately). */
const STANDARD_RULES: Record<string, AttributeRule> = {
  address: writable(text(STANDARD_MAX_LENGTH, 1, { multiline: true })),
  birthdate: writable(birthdate),
  email: writable(email),
  email_verified: writable(booleanString),
  family_name: writable(standardText),
  gender: writable(standardText),
  given_name: writable(standardText),
  locale: writable(standardText),
  middle_name: writable(standardText),
  name: writable(standardText),
  nickname: writable(standardText),
  phone_number: writable(phoneNumber),
  phone_number_verified: writable(booleanString),
  picture: writable(webUrl),
  preferred_username: writable(standardText),
  profile: writable(webUrl),
  updated_at: writable(epochSeconds),
  website: writable(webUrl),
  zoneinfo: writable(standardText),
};

interface DeclaredAttribute {
  Name: string;
  AttributeDataType: string;
  Mutable?: boolean;
  StringAttributeConstraints?: { MinLength?: string; MaxLength?: string };
  NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
}

function wholeNumber(min: number, max: number): Check {
  return (value) => {
    if (!/^-?(?:0|[1-9]\d{0,15})$/.test(value)) return 'must be a whole number written in digits';
    const number = Number(value);
    return number >= min && number <= max ? undefined : `must be between ${min} and ${max}`;
  };
}

function ruleFor(attribute: DeclaredAttribute): AttributeRule {
  const createOnly = attribute.Mutable === false;
  switch (attribute.AttributeDataType) {
    case 'String': {
      const limits = attribute.StringAttributeConstraints ?? {};
      return { check: text(Number(limits.MaxLength ?? 2048), Number(limits.MinLength ?? 0)), createOnly };
    }
    case 'Number': {
      const limits = attribute.NumberAttributeConstraints ?? {};
      const min = Number(limits.MinValue ?? Number.MIN_SAFE_INTEGER);
      const max = Number(limits.MaxValue ?? Number.MAX_SAFE_INTEGER);
      return { check: wholeNumber(min, max), createOnly };
    }
    default:
      // Fails at load, so a schema change the API cannot validate is caught by the first test run.
      throw new Error(
        `shared/pool-schema.json: custom:${attribute.Name} has type ${attribute.AttributeDataType}, which the admin API cannot validate`,
      );
  }
}

const CUSTOM_RULES: Record<string, AttributeRule> = Object.fromEntries(
  (poolSchema.customAttributes as DeclaredAttribute[]).map((attribute) => [
    `custom:${attribute.Name}`,
    ruleFor(attribute),
  ]),
);

export type AttributeVerdict =
  | { ok: true; rule: AttributeRule }
  | { ok: false; rule: 'cannot be changed' | 'not an attribute of this user pool' };

/** Whether an attribute name can be written at all, and with which rule. */
export function attributeRule(name: string): AttributeVerdict {
  // sub, identities, cognito:* and custom:source_sub: the shared mapper owns that list.
  if (name.length > 0 && !isReplicatedAttribute(name)) return { ok: false, rule: 'cannot be changed' };
  const rule = Object.hasOwn(STANDARD_RULES, name)
    ? STANDARD_RULES[name]
    : Object.hasOwn(CUSTOM_RULES, name)
      ? CUSTOM_RULES[name]
      : undefined;
  return rule ? { ok: true, rule } : { ok: false, rule: 'not an attribute of this user pool' };
}
