// fast-check generators of user records and backup-pool states, shared by the property tests of every package.
import fc from 'fast-check';
import type { TargetUserState } from '../convergence-plan';
import { identitiesOf, MFA_FACTORS, mfaOf, USER_STATUSES } from '../record-mapper';
import {
  type MfaFactor,
  RECORD_SCHEMA_VERSION,
  SOURCE_SUB_ATTRIBUTE,
  type UserMfa,
  type UserRecord,
} from '../user-record';

const STANDARD_ATTRIBUTES = [
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'locale',
  'zoneinfo',
  'birthdate',
  'address',
] as const;

const attributeName = fc.oneof(
  fc.constantFrom(...STANDARD_ATTRIBUTES),
  fc.constantFrom('custom:tier', 'custom:tenant_id', 'custom:plan_seats'),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).map((name) => `custom:${name}`),
);

/** Attribute maps as Cognito would hold them: non-empty values, boolean-ish flags, no flag without its contact. */
export const attributesArb: fc.Arbitrary<Record<string, string>> = fc
  .dictionary(attributeName, fc.string({ minLength: 1, maxLength: 20 }), { maxKeys: 10 })
  .map((raw) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
      attributes[name] = name.endsWith('_verified') ? (value.length % 2 === 0 ? 'true' : 'false') : value;
    }
    if (!('email' in attributes)) delete attributes.email_verified;
    if (!('phone_number' in attributes)) delete attributes.phone_number_verified;
    return attributes;
  });

export const groupsArb = fc
  .uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), { maxLength: 5 })
  .map((groups) => [...groups].sort());

const subArb = fc.uuid();

/** Provider users a pool user may be linked to, as Cognito's `identities` attribute lists them (JSON), or none. */
export const identitiesAttributeArb: fc.Arbitrary<string | undefined> = fc
  .subarray([
    { providerName: 'Google', userId: '1001' },
    { providerName: 'Google', userId: '1002' },
    { providerName: 'Corp', userId: 'ada@corp.example' },
  ])
  .map((identities) =>
    identities.length > 0
      ? JSON.stringify(identities.map((i) => ({ ...i, providerType: 'Google', primary: false })))
      : undefined,
  );

/** MFA settings as AdminGetUser may report them, or none. */
export const mfaArb: fc.Arbitrary<UserMfa | undefined> = fc
  .record({
    enabled: fc.subarray([...MFA_FACTORS]),
    preferred: fc.option(fc.constantFrom<MfaFactor>(...MFA_FACTORS), { nil: undefined }),
  })
  .map(({ enabled, preferred }) =>
    mfaOf(enabled, preferred && enabled.includes(preferred) ? preferred : undefined),
  );

export const recordArb: fc.Arbitrary<UserRecord> = fc
  .record({
    username: fc.string({ minLength: 1, maxLength: 30 }),
    sub: subArb,
    attributes: attributesArb,
    enabled: fc.boolean(),
    status: fc.constantFrom(...USER_STATUSES),
    groups: groupsArb,
    updatedAt: fc.nat(),
    version: fc.nat(),
    origin: fc.constantFrom('eu-west-1', 'eu-central-1'),
    poolId: fc.option(fc.constantFrom('eu-west-1_P', 'eu-central-1_B'), { nil: undefined }),
    tombstone: fc.option(fc.nat(), { nil: undefined }),
    mfa: mfaArb,
    identities: identitiesAttributeArb,
  })
  .map(({ tombstone, poolId, mfa, identities, ...fields }) => {
    const record: UserRecord = { ...fields, schemaVersion: RECORD_SCHEMA_VERSION };
    if (mfa !== undefined) record.mfa = mfa;
    const linked = identities && identitiesOf({ identities });
    if (linked) record.identities = linked;
    // Records written before pool ids were recorded have none.
    if (poolId !== undefined) record.poolId = poolId;
    if (tombstone !== undefined) {
      record.deleted = true;
      record.deletedAt = tombstone;
      record.expiresAt = Math.floor(tombstone / 1000);
    }
    return record;
  });

/** A backup user that may or may not be linked to the record's sub, in any status reachable by admin calls. */
export function backupStateArb(record: UserRecord): fc.Arbitrary<TargetUserState> {
  return fc
    .record({
      attributes: attributesArb,
      link: fc.constantFrom('same', 'other', 'none'),
      otherSub: subArb,
      enabled: fc.boolean(),
      status: fc.constantFrom('FORCE_CHANGE_PASSWORD', 'CONFIRMED', 'RESET_REQUIRED'),
      groups: groupsArb,
      sharedGroups: fc.subarray(record.groups),
      mfa: mfaArb,
      identities: identitiesAttributeArb,
    })
    .map(({ attributes, link, otherSub, enabled, status, groups, sharedGroups, mfa, identities }) => {
      const linked: Record<string, string> = { ...attributes, sub: 'backup-sub' };
      if (identities) linked.identities = identities;
      if (link === 'same') linked[SOURCE_SUB_ATTRIBUTE] = record.sub;
      if (link === 'other') linked[SOURCE_SUB_ATTRIBUTE] = otherSub;
      return {
        attributes: linked,
        enabled,
        status,
        groups: [...new Set([...groups, ...sharedGroups])].sort(),
        mfa: mfa ?? { enabled: [] },
      };
    });
}
