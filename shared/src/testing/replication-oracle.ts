// The replication promise, checked field by field for tests, without the planner, the drift verdicts or the record
// mapper that implement it (so a rule they all get wrong the same way still fails a test): a backup user mirrors
// its record, and a record says what its pool user is.
import type { TargetUserState } from '../convergence-plan';
import type { UserRecord } from '../user-record';

const LINK = 'custom:source_sub';

/**
 * The attributes replication carries: everything but the pool's own sub, the link to the home sub, what Cognito
 * computes itself (cognito:*), federated links (identities) and empty values (Cognito's "no attribute").
 */
function carried(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).filter(
      ([name, value]) =>
        name !== 'sub' &&
        name !== LINK &&
        name !== 'identities' &&
        !name.startsWith('cognito:') &&
        value !== '',
    ),
  );
}

const sameMap = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([name, value]) => b[name] === value);

const sameGroups = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort());

/**
 * How a backup user differs from its record, by field name (empty: it mirrors the record). A tombstone wants no
 * user; otherwise the record's attributes and no others, the home sub linked in custom:source_sub (no link in the
 * pool the user was born in), enabled and groups as recorded, and a user who could sign in at home able to reset
 * their password here (not left in FORCE_CHANGE_PASSWORD).
 */
export function mirrorMismatches(state: TargetUserState | null, record: UserRecord): string[] {
  if (record.deleted === true) return state ? ['present'] : [];
  if (!state) return ['absent'];
  const mismatches: string[] = [];
  if (!sameMap(carried(state.attributes), record.attributes)) mismatches.push('attributes');
  const bornHere = state.attributes.sub === record.sub;
  const link = state.attributes[LINK];
  if (bornHere ? link !== undefined : link !== record.sub) mismatches.push(LINK);
  if (state.enabled !== record.enabled) mismatches.push('enabled');
  if (!sameGroups(state.groups, record.groups)) mismatches.push('groups');
  const couldSignIn = record.status === 'CONFIRMED' || record.status === 'RESET_REQUIRED';
  if (couldSignIn && (state.status === 'FORCE_CHANGE_PASSWORD' || state.status === 'UNCONFIRMED')) {
    mismatches.push('status');
  }
  if (state.mfa && !sameCarriedMfa(state, record)) mismatches.push('mfa');
  if (linksOf(state.attributes.identities) !== linksOf(record.identities)) mismatches.push('identities');
  return mismatches;
}

/**
 * SMS and email OTP as the record has them, each only where its destination is verified (a code must reach the
 * user); a TOTP app cannot be carried, so the backup user's own is left as it is.
 */
function sameCarriedMfa(state: TargetUserState, record: UserRecord): boolean {
  const contacts = { SMS_MFA: 'phone_number', EMAIL_OTP: 'email' } as const;
  return Object.entries(contacts).every(([factor, contact]) => {
    const verified =
      record.attributes[contact] !== undefined && record.attributes[`${contact}_verified`] === 'true';
    const wanted = verified && (record.mfa?.enabled ?? []).includes(factor as 'SMS_MFA');
    return (
      (state.mfa?.enabled ?? []).includes(factor as 'SMS_MFA') === wanted &&
      (state.mfa?.preferred === factor) === (wanted && record.mfa?.preferred === factor)
    );
  });
}

/** The provider users linked, in one comparable form: from Cognito's `identities` JSON, or a record's list. */
function linksOf(identities: string | { providerName: string; userId: string }[] | undefined): string {
  const list: { providerName: string; userId: string }[] =
    typeof identities === 'string' ? JSON.parse(identities) : (identities ?? []);
  return JSON.stringify([...new Set(list.map((i) => `${i.providerName}/${i.userId}`))].sort());
}

/** A pool user as a test pool holds it. */
export interface PoolUser {
  username: string;
  attributes: Record<string, string>;
  enabled: boolean;
  status: string;
  groups: readonly string[];
}

/**
 * How a table differs from the pool it records, read straight off the table's items: pool users without a live
 * item, users whose item says otherwise than the pool (sub, attributes, enabled, status, groups), and live items
 * of users the pool does not have.
 */
export function tableMismatches(
  users: Iterable<PoolUser>,
  items: ReadonlyMap<string, Record<string, unknown>>,
): { missing: string[]; stale: string[]; extra: string[] } {
  const missing: string[] = [];
  const stale: string[] = [];
  const inPool = new Set<string>();
  for (const user of users) {
    inPool.add(user.username);
    const item = items.get(user.username);
    if (!item || item.deleted === true) {
      missing.push(user.username);
      continue;
    }
    const homeSub = user.attributes[LINK] || user.attributes.sub;
    const same =
      item.sub === homeSub &&
      sameMap(carried(user.attributes), item.attributes as Record<string, string>) &&
      item.enabled === user.enabled &&
      item.status === user.status &&
      sameGroups(user.groups, item.groups as string[]);
    if (!same) stale.push(user.username);
  }
  const extra = [...items]
    .filter(([key, item]) => typeof item.sub === 'string' && item.deleted !== true && !inPool.has(key))
    .map(([key]) => key);
  return { missing: missing.sort(), stale: stale.sort(), extra: extra.sort() };
}
