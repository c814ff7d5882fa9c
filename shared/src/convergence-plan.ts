// Decides, without side effects, which backup-pool calls turn the backup user into the record's snapshot.
import { identitiesOf, isReplicatedAttribute, normalizeGroups } from './record-mapper';
import {
  type LinkedIdentity,
  type MfaFactor,
  SOURCE_SUB_ATTRIBUTE,
  type UserMfa,
  type UserRecord,
} from './user-record';

/** The backup pool's view of a user, as AdminGetUser + AdminListGroupsForUser report it. */
export interface TargetUserState {
  /** All attributes, including sub and custom:source_sub. */
  attributes: Record<string, string>;
  enabled: boolean;
  /** Cognito's UserStatus; a plain string because the backup pool may report values this code does not model. */
  status: string;
  groups: string[];
  /** The user's MFA settings (none: `{ enabled: [] }`); absent when not read (ListUsers does not report them). */
  mfa?: UserMfa;
}

/** The MFA factors replication turns on for a user, each with the contact attribute its codes go to. */
export const REPLICATED_MFA_FACTORS = [
  ['SMS_MFA', 'phone_number'],
  ['EMAIL_OTP', 'email'],
] as const satisfies readonly (readonly [MfaFactor, string])[];

export type ReplicatedMfaFactor = (typeof REPLICATED_MFA_FACTORS)[number][0];

/** A factor's setting as AdminSetUserMFAPreference takes it. */
export interface MfaFactorSetting {
  enabled: boolean;
  preferred: boolean;
}

/**
 * One backup-pool call. Every operation targets the record's username. Attribute maps are name -> value;
 * the executor turns them into Cognito's [{ Name, Value }] lists.
 */
export type ConvergeOperation =
  /**
   * AdminCreateUser with MessageAction SUPPRESS (the user must never hear from the backup pool); or, `confirmed`,
   * one call that leaves the user confirmed with a random password and its true verification flags set (SignUp
   * through the replicator client, confirmed and verified by the pool's PreSignUp trigger); or, `unconfirmed`, the
   * same SignUp left unconfirmed, for a user the primary has not confirmed yet (AdminCreateUser cannot make one:
   * its users start in FORCE_CHANGE_PASSWORD, from which nobody could confirm their sign-up after a failover).
   */
  | { type: 'createUser'; attributes: Record<string, string>; confirmed?: true; unconfirmed?: true }
  /** AdminConfirmSignUp: a user created unconfirmed (`unconfirmed`) whom the primary has confirmed since. */
  | { type: 'confirmSignUp' }
  /** AdminSetUserPassword, Permanent, with a random password the executor generates (plans never hold secrets). */
  | { type: 'setPermanentPassword' }
  | { type: 'updateAttributes'; attributes: Record<string, string> }
  | { type: 'deleteAttributes'; names: string[] }
  /**
   * AdminSetUserMFAPreference for the factors named (SMS, email OTP), nothing else: a TOTP app is enrolled by its user,
   * since its secret cannot be read from any pool.
   */
  | { type: 'setMfaPreference'; settings: Partial<Record<ReplicatedMfaFactor, MfaFactorSetting>> }
  /**
   * AdminLinkProviderForUser: the provider's user signs in as this user from now on (a federated user's copy is a
   * native user linked to the provider user it stands for).
   */
  | { type: 'linkProvider'; identity: LinkedIdentity }
  /** AdminDisableProviderForUser: a link the record no longer has. */
  | { type: 'unlinkProvider'; identity: LinkedIdentity }
  | { type: 'enable' }
  | { type: 'disable' }
  /** Create the group if the backup pool lacks it (groups are created on demand, never deleted). */
  | { type: 'ensureGroup'; group: string }
  | { type: 'addToGroup'; group: string }
  | { type: 'removeFromGroup'; group: string }
  /**
   * AdminDeleteUser. `version`: the tombstone's, absent when the user has no record at all. `replacing`: the first
   * half of a replacement (the same username is created again at once), which the deletion breaker does not count.
   */
  | { type: 'deleteUser'; version?: number; replacing?: true };

export type ConvergeOperationType = ConvergeOperation['type'];

/**
 * Contact attributes and their verification flags. Cognito resets a flag to false whenever its contact attribute
 * is written without it, and (cognito-local at least) refuses a flag written without its attribute, so the two
 * always travel together.
 */
export const CONTACT_VERIFICATION_PAIRS: readonly (readonly [contact: string, flag: string])[] = [
  ['email', 'email_verified'],
  ['phone_number', 'phone_number_verified'],
];

/**
 * Statuses whose users can sign in with a password they know. Their backup copy gets a random permanent password:
 * left in FORCE_CHANGE_PASSWORD, Cognito would refuse ForgotPassword for them during a failover.
 */
function needsPermanentPassword(status: string): boolean {
  // A federated user's copy is a native user: confirmed, with a password nobody knows, so only the provider signs in.
  return status === 'CONFIRMED' || status === 'RESET_REQUIRED' || status === 'EXTERNAL_PROVIDER';
}

/** The attributes a pool user should have: the record's, plus the link to its home sub unless it was born in this pool. */
export function desiredAttributes(record: UserRecord, bornHere = false): Record<string, string> {
  return bornHere ? { ...record.attributes } : { ...record.attributes, [SOURCE_SUB_ATTRIBUTE]: record.sub };
}

/**
 * The user a pool user stands for: the home sub it links to (`custom:source_sub`), or its own sub when it was
 * born in this pool. A record is applied in place only to the pool user whose linked sub is the record's sub.
 */
export function linkedSub(attributes: Record<string, string>): string | undefined {
  return attributes[SOURCE_SUB_ATTRIBUTE] || attributes.sub || undefined;
}

/** The pool user's attributes that replication manages (drops sub, cognito:*, identities and empty values). */
export function managedAttributes(attributes: Record<string, string>): Record<string, string> {
  const managed: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if ((isReplicatedAttribute(name) || name === SOURCE_SUB_ATTRIBUTE) && value !== '') managed[name] = value;
  }
  return managed;
}

export interface PlanOptions {
  /**
   * The pool can create a confirmed user in one call (`createUser` with `confirmed`): then no password step
   * follows it. That call can only set a verification flag to true (the trigger verifies), so a flag the record
   * holds as false is written after it, with its contact attribute.
   */
  confirmedCreate?: boolean;
}

/**
 * The backup-pool calls, in an order Cognito accepts, that make `backup` match `record`. Pure: the same inputs
 * always give the same plan, and a plan computed after executing a plan is empty.
 */
export function planConvergence(
  backup: TargetUserState | null,
  record: UserRecord,
  options: PlanOptions = {},
): ConvergeOperation[] {
  if (record.deleted === true) return backup ? [{ type: 'deleteUser', version: record.version }] : [];
  if (!backup) return planCreate(record, options);
  if (linkedSub(backup.attributes) !== record.sub) {
    // Same username, different user: re-created under the same name with the tombstone not seen here, or somebody
    // who signed up with that username while this pool was open. Updating in place would hand the record's user
    // that person's password and MFA, so start from scratch.
    return [{ type: 'deleteUser', replacing: true }, ...planCreate(record, options)];
  }
  return planUpdate(backup, record);
}

function planCreate(record: UserRecord, options: PlanOptions): ConvergeOperation[] {
  // A created user gets a sub of its own, so it always carries the link to its home sub.
  const attributes = desiredAttributes(record);
  const operations: ConvergeOperation[] = [];
  if (options.confirmedCreate && record.status === 'UNCONFIRMED') {
    operations.push({ type: 'createUser', attributes, unconfirmed: true });
    // A sign-up left unconfirmed verifies nothing: the record's flags, true or false, are written after it.
    const flags: Record<string, string> = {};
    for (const [contact, flag] of CONTACT_VERIFICATION_PAIRS) {
      const value = attributes[contact];
      const verified = attributes[flag];
      if (value !== undefined && verified !== undefined)
        Object.assign(flags, { [contact]: value, [flag]: verified });
    }
    if (Object.keys(flags).length > 0) operations.push({ type: 'updateAttributes', attributes: flags });
  } else if (options.confirmedCreate && needsPermanentPassword(record.status)) {
    operations.push({ type: 'createUser', attributes, confirmed: true });
    const unverified: Record<string, string> = {};
    for (const [contact, flag] of CONTACT_VERIFICATION_PAIRS) {
      const value = attributes[contact];
      if (attributes[flag] === 'false' && value !== undefined)
        Object.assign(unverified, { [contact]: value, [flag]: 'false' });
    }
    if (Object.keys(unverified).length > 0)
      operations.push({ type: 'updateAttributes', attributes: unverified });
  } else {
    operations.push({ type: 'createUser', attributes });
    if (needsPermanentPassword(record.status)) operations.push({ type: 'setPermanentPassword' });
  }
  operations.push(...mfaChanges({ enabled: [] }, record, attributes));
  operations.push(...linkChanges(undefined, record));
  // AdminCreateUser always creates enabled users; the random password above is unknown, so the moment is harmless.
  if (!record.enabled) operations.push({ type: 'disable' });
  operations.push(...groupAdditions(normalizeGroups(record.groups)));
  return operations;
}

function planUpdate(backup: TargetUserState, record: UserRecord): ConvergeOperation[] {
  const operations: ConvergeOperation[] = [];
  // Disabling goes first so a user the primary locked out loses access before anything else is touched ...
  if (!record.enabled && backup.enabled) operations.push({ type: 'disable' });

  const bornHere = backup.attributes.sub === record.sub;
  const desired = desiredAttributes(record, bornHere);
  const { toUpdate, toDelete } = attributeChanges(managedAttributes(backup.attributes), desired);
  if (Object.keys(toUpdate).length > 0) operations.push({ type: 'updateAttributes', attributes: toUpdate });
  if (toDelete.length > 0) operations.push({ type: 'deleteAttributes', names: toDelete });

  // A create whose password step failed (or a user first seen unconfirmed) is finished here.
  if (needsPermanentPassword(record.status) && backup.status === 'FORCE_CHANGE_PASSWORD') {
    operations.push({ type: 'setPermanentPassword' });
  }
  // Signed up unconfirmed, confirmed on the primary since: confirmed here too (with the random password it has).
  if (needsPermanentPassword(record.status) && backup.status === 'UNCONFIRMED') {
    operations.push({ type: 'confirmSignUp' });
  }
  // After the attributes: a factor is only turned on once its destination is there and verified.
  if (backup.mfa) operations.push(...mfaChanges(backup.mfa, record, desired));
  operations.push(...linkChanges(backup, record));

  const wanted = normalizeGroups(record.groups);
  const current = new Set(backup.groups);
  for (const group of normalizeGroups(backup.groups)) {
    if (!wanted.includes(group)) operations.push({ type: 'removeFromGroup', group });
  }
  operations.push(...groupAdditions(wanted.filter((group) => !current.has(group))));

  // ... and enabling goes last, so a re-enabled user signs in with attributes and groups already right.
  if (record.enabled && !backup.enabled) operations.push({ type: 'enable' });
  return operations;
}

function groupAdditions(groups: string[]): ConvergeOperation[] {
  return groups.flatMap((group): ConvergeOperation[] => [
    { type: 'ensureGroup', group },
    { type: 'addToGroup', group },
  ]);
}

/**
 * The MFA preference call that makes the user's SMS and email-OTP factors the record's, where the user has the
 * destination verified (in `attributes`, the user's attributes once converged): a code sent to a number or address
 * nobody proved would lock the user out, or reach somebody else.
 */
function mfaChanges(
  current: UserMfa,
  record: UserRecord,
  attributes: Record<string, string>,
): ConvergeOperation[] {
  const settings: Partial<Record<ReplicatedMfaFactor, MfaFactorSetting>> = {};
  for (const [factor, contact] of REPLICATED_MFA_FACTORS) {
    const reachable = attributes[contact] !== undefined && attributes[`${contact}_verified`] === 'true';
    const enabled = reachable && (record.mfa?.enabled.includes(factor) ?? false);
    const preferred = enabled && record.mfa?.preferred === factor;
    if (current.enabled.includes(factor) !== enabled || (current.preferred === factor) !== preferred) {
      settings[factor] = { enabled, preferred };
    }
  }
  return Object.keys(settings).length > 0 ? [{ type: 'setMfaPreference', settings }] : [];
}

const sameIdentity = (a: LinkedIdentity, b: LinkedIdentity) =>
  a.providerName === b.providerName && a.userId === b.userId;

/**
 * The links to provider users the record has and the pool user lacks, and the other way round. A federated user of
 * this pool (EXTERNAL_PROVIDER) is never unlinked: its identity is the user itself.
 */
function linkChanges(backup: TargetUserState | undefined, record: UserRecord): ConvergeOperation[] {
  const current = (backup && identitiesOf(backup.attributes)) ?? [];
  const wanted = record.identities ?? [];
  const operations: ConvergeOperation[] = [];
  if (backup?.status !== 'EXTERNAL_PROVIDER') {
    for (const identity of current) {
      if (!wanted.some((other) => sameIdentity(identity, other)))
        operations.push({ type: 'unlinkProvider', identity });
    }
  }
  for (const identity of wanted) {
    if (!current.some((other) => sameIdentity(identity, other)))
      operations.push({ type: 'linkProvider', identity });
  }
  return operations;
}

function attributeChanges(
  current: Record<string, string>,
  desired: Record<string, string>,
): { toUpdate: Record<string, string>; toDelete: string[] } {
  const toUpdate: Record<string, string> = {};
  for (const [name, value] of Object.entries(desired)) {
    if (current[name] !== value) toUpdate[name] = value;
  }
  const toDelete = new Set(Object.keys(current).filter((name) => !(name in desired)));

  for (const [contact, flag] of CONTACT_VERIFICATION_PAIRS) {
    if (!(contact in toUpdate) && !(flag in toUpdate)) continue;
    const contactValue = desired[contact];
    const flagValue = desired[flag];
    if (contactValue !== undefined) toUpdate[contact] = contactValue;
    if (flagValue !== undefined) toUpdate[flag] = flagValue;
    // Writing the contact without its flag makes Cognito add flag=false; the record has no flag, so remove it.
    else if (contactValue !== undefined) toDelete.add(flag);
  }
  return { toUpdate, toDelete: [...toDelete].sort() };
}
