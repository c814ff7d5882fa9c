import fc from 'fast-check';
import {
  type ConvergeOperation,
  type PlanOptions,
  planConvergence,
  type TargetUserState,
} from './convergence-plan';
import { MFA_FACTORS } from './record-mapper';
import { backupStateArb, recordArb } from './testing/arbitraries';
import { mirrorMismatches } from './testing/replication-oracle';
import { RECORD_SCHEMA_VERSION, type UserRecord } from './user-record';

function record(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    username: 'ada',
    schemaVersion: RECORD_SCHEMA_VERSION,
    sub: 'primary-sub',
    attributes: { email: 'ada@example.com', email_verified: 'true', 'custom:tier': 'gold' },
    enabled: true,
    status: 'CONFIRMED',
    groups: ['admins'],
    updatedAt: 1,
    version: 1,
    origin: 'eu-west-1',
    ...overrides,
  };
}

/** What a backup user created from the record holds: its attributes and the link to its home sub. */
const linked = (r: UserRecord) => ({ ...r.attributes, 'custom:source_sub': r.sub });

function backupOf(r: UserRecord, overrides: Partial<TargetUserState> = {}): TargetUserState {
  return {
    attributes: { ...linked(r), sub: 'backup-sub' },
    enabled: r.enabled,
    status: 'CONFIRMED',
    groups: [...r.groups],
    ...overrides,
  };
}

const FLAGS = ['email_verified', 'phone_number_verified'];

/**
 * What Cognito does with each operation, to the extent the plan relies on it: a new user starts enabled in
 * FORCE_CHANGE_PASSWORD, and writing a contact attribute without its flag resets the flag to false.
 */
function simulate(state: TargetUserState | null, operation: ConvergeOperation): TargetUserState | null {
  if (operation.type === 'createUser') {
    if (state) throw new Error('UsernameExistsException');
    if (operation.unconfirmed) {
      // SignUp writes no flag, and a sign-up left unconfirmed verifies nothing.
      const attributes = Object.fromEntries(
        Object.entries(operation.attributes).filter(([name]) => !FLAGS.includes(name)),
      );
      return {
        attributes: { ...attributes, sub: 'backup-sub' },
        enabled: true,
        status: 'UNCONFIRMED',
        groups: [],
        mfa: { enabled: [] },
      };
    }
    if (operation.confirmed) {
      // SignUp writes no flag; the trigger's auto-verification sets the true ones.
      const attributes = Object.fromEntries(
        Object.entries(operation.attributes).filter(
          ([name, value]) => !FLAGS.includes(name) || value === 'true',
        ),
      );
      return {
        attributes: { ...attributes, sub: 'backup-sub' },
        enabled: true,
        status: 'CONFIRMED',
        groups: [],
        mfa: { enabled: [] },
      };
    }
    return {
      attributes: { ...operation.attributes, sub: 'backup-sub' },
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
      groups: [],
      mfa: { enabled: [] },
    };
  }
  if (!state) throw new Error(`UserNotFoundException on ${operation.type}`);
  const next = { ...state, attributes: { ...state.attributes }, groups: [...state.groups] };
  switch (operation.type) {
    case 'setPermanentPassword':
    case 'confirmSignUp':
      next.status = 'CONFIRMED';
      break;
    case 'updateAttributes':
      for (const [contact, flag] of [
        ['email', 'email_verified'],
        ['phone_number', 'phone_number_verified'],
      ] as const) {
        if (flag in operation.attributes && !(contact in operation.attributes))
          throw new Error('flag without contact');
        if (contact in operation.attributes && !(flag in operation.attributes))
          next.attributes[flag] = 'false';
      }
      Object.assign(next.attributes, operation.attributes);
      break;
    case 'deleteAttributes':
      for (const name of operation.names) delete next.attributes[name];
      break;
    case 'setMfaPreference': {
      // AdminSetUserMFAPreference: refused for a factor with nowhere to send its codes; other factors untouched.
      const enabled = new Set(next.mfa?.enabled ?? []);
      let preferred = next.mfa?.preferred;
      for (const [factor, setting] of Object.entries(operation.settings)) {
        const contact = factor === 'SMS_MFA' ? 'phone_number' : 'email';
        if (setting.enabled && !next.attributes[contact]) throw new Error('InvalidParameterException');
        if (setting.enabled) enabled.add(factor as 'SMS_MFA');
        else enabled.delete(factor as 'SMS_MFA');
        if (setting.preferred) preferred = factor as 'SMS_MFA';
        else if (preferred === factor) preferred = undefined;
      }
      next.mfa = { enabled: MFA_FACTORS.filter((f) => enabled.has(f)), ...(preferred ? { preferred } : {}) };
      break;
    }
    case 'linkProvider':
    case 'unlinkProvider': {
      // The `identities` attribute, as Cognito keeps it: JSON, one entry per provider user linked.
      const links: { providerName: string; userId: string }[] = JSON.parse(
        next.attributes.identities ?? '[]',
      );
      const others = links.filter(
        (link) =>
          link.providerName !== operation.identity.providerName || link.userId !== operation.identity.userId,
      );
      const after =
        operation.type === 'linkProvider' ? [...others, { ...operation.identity, primary: false }] : others;
      if (after.length > 0) next.attributes.identities = JSON.stringify(after);
      else delete next.attributes.identities;
      break;
    }
    case 'enable':
      next.enabled = true;
      break;
    case 'disable':
      next.enabled = false;
      break;
    case 'ensureGroup':
      break;
    case 'addToGroup':
      next.groups = [...new Set([...next.groups, operation.group])].sort();
      break;
    case 'removeFromGroup':
      next.groups = next.groups.filter((group) => group !== operation.group);
      break;
    case 'deleteUser':
      return null;
  }
  return next;
}

const converge = (state: TargetUserState | null, r: UserRecord, options: PlanOptions = {}) =>
  planConvergence(state, r, options).reduce<TargetUserState | null>(simulate, state);

function expectMatches(state: TargetUserState | null, r: UserRecord): void {
  expect(mirrorMismatches(state, r)).toEqual([]);
}

describe('planConvergence', () => {
  it('creates a missing user silently, confirms it, disables it and puts it in its groups, in that order', () => {
    const r = record({ enabled: false, groups: ['admins', 'staff'] });
    expect(planConvergence(null, r)).toEqual([
      {
        type: 'createUser',
        attributes: {
          email: 'ada@example.com',
          email_verified: 'true',
          'custom:tier': 'gold',
          'custom:source_sub': 'primary-sub',
        },
      },
      { type: 'setPermanentPassword' },
      { type: 'disable' },
      { type: 'ensureGroup', group: 'admins' },
      { type: 'addToGroup', group: 'admins' },
      { type: 'ensureGroup', group: 'staff' },
      { type: 'addToGroup', group: 'staff' },
    ]);
  });

  it('leaves a user the primary has not confirmed without a password', () => {
    expect(planConvergence(null, record({ status: 'UNCONFIRMED', groups: [] }))).toEqual([
      { type: 'createUser', attributes: expect.any(Object) },
    ]);
  });

  it('plans nothing when the backup already matches', () => {
    const r = record();
    expect(planConvergence(backupOf(r), r)).toEqual([]);
  });

  it('sends the verification flag with a changed email so Cognito does not reset it', () => {
    const before = record();
    const after = record({ attributes: { ...before.attributes, email: 'new@example.com' } });
    expect(planConvergence(backupOf(before), after)).toEqual([
      { type: 'updateAttributes', attributes: { email: 'new@example.com', email_verified: 'true' } },
    ]);
  });

  it('sends the contact attribute with a changed flag', () => {
    const before = record({ attributes: { phone_number: '+441234', phone_number_verified: 'false' } });
    const after = record({ attributes: { phone_number: '+441234', phone_number_verified: 'true' } });
    expect(planConvergence(backupOf(before), after)).toEqual([
      { type: 'updateAttributes', attributes: { phone_number: '+441234', phone_number_verified: 'true' } },
    ]);
  });

  it('removes the false flag Cognito adds when the record has no flag', () => {
    const before = record({ attributes: { email: 'a@example.com' } });
    const after = record({ attributes: { email: 'b@example.com' } });
    expect(planConvergence(backupOf(before), after)).toEqual([
      { type: 'updateAttributes', attributes: { email: 'b@example.com' } },
      { type: 'deleteAttributes', names: ['email_verified'] },
    ]);
  });

  it('deletes attributes the record no longer has, never sub, the link or read-only ones', () => {
    const r = record({ attributes: { email: 'ada@example.com', email_verified: 'true' } });
    const backup = backupOf(r);
    backup.attributes['custom:tier'] = 'gold';
    backup.attributes.identities = '[]';
    backup.attributes['cognito:mfa_enabled'] = 'true';
    expect(planConvergence(backup, r)).toEqual([{ type: 'deleteAttributes', names: ['custom:tier'] }]);
  });

  it('disables first and enables last', () => {
    const r = record({ enabled: false, groups: ['staff'] });
    expect(planConvergence(backupOf(record()), r).map((op) => op.type)).toEqual([
      'disable',
      'removeFromGroup',
      'ensureGroup',
      'addToGroup',
    ]);
    expect(planConvergence(backupOf(r), record()).map((op) => op.type)).toEqual([
      'removeFromGroup',
      'ensureGroup',
      'addToGroup',
      'enable',
    ]);
  });

  it('finishes a create whose password step never happened', () => {
    const r = record();
    expect(planConvergence(backupOf(r, { status: 'FORCE_CHANGE_PASSWORD' }), r)).toEqual([
      { type: 'setPermanentPassword' },
    ]);
  });

  it('deletes the user for a tombstone, naming its version, and does nothing when it is already gone', () => {
    const tombstone = record({ deleted: true, deletedAt: 2, expiresAt: 3 });
    expect(planConvergence(backupOf(record()), tombstone)).toEqual([
      { type: 'deleteUser', version: tombstone.version },
    ]);
    expect(planConvergence(null, tombstone)).toEqual([]);
  });

  it('re-creates a backup user that belongs to an earlier primary user of the same name', () => {
    const r = record({ groups: [] });
    const backup = backupOf(r, {
      attributes: { ...linked(r), 'custom:source_sub': 'old-sub' },
    });
    expect(planConvergence(backup, r).map((op) => op.type)).toEqual([
      'deleteUser',
      'createUser',
      'setPermanentPassword',
    ]);
  });

  it('replaces a pool user with no link: somebody who took the username while the pool was open', () => {
    const r = record();
    const squatter = backupOf(r);
    delete squatter.attributes['custom:source_sub'];
    const plan = planConvergence(squatter, r);
    expect(plan.slice(0, 2)).toEqual([
      { type: 'deleteUser', replacing: true },
      { type: 'createUser', attributes: linked(r) },
    ]);
  });

  it('updates in place, without a link to itself, the user in the pool it was born in', () => {
    const r = record();
    const home = { ...backupOf(r), attributes: { ...r.attributes, sub: r.sub, 'custom:tier': 'silver' } };
    expect(planConvergence(home, r)).toEqual([
      { type: 'updateAttributes', attributes: { 'custom:tier': r.attributes['custom:tier'] } },
    ]);
    expect(planConvergence({ ...home, attributes: { ...r.attributes, sub: r.sub } }, r)).toEqual([]);
  });

  it('creates a confirmed user in one call when the pool can, with no password step', () => {
    const r = record({ groups: [] });
    expect(planConvergence(null, r, { confirmedCreate: true })).toEqual([
      { type: 'createUser', attributes: linked(r), confirmed: true },
    ]);
    // Users the primary has not confirmed are created as before, and stay unconfirmed.
    const pending = record({ status: 'FORCE_CHANGE_PASSWORD', groups: [] });
    expect(planConvergence(null, pending, { confirmedCreate: true })).toEqual([
      { type: 'createUser', attributes: linked(pending) },
    ]);
  });

  it('creates a user the primary has not confirmed unconfirmed, by sign-up, and confirms them once the primary has', () => {
    const pending = record({
      status: 'UNCONFIRMED',
      groups: [],
      attributes: { email: 'ada@example.com', email_verified: 'false', 'custom:tier': 'gold' },
    });
    expect(planConvergence(null, pending, { confirmedCreate: true })).toEqual([
      { type: 'createUser', attributes: linked(pending), unconfirmed: true },
      { type: 'updateAttributes', attributes: { email: 'ada@example.com', email_verified: 'false' } },
    ]);
    const signedUp = backupOf(pending, { status: 'UNCONFIRMED' });
    expect(planConvergence(signedUp, pending)).toEqual([]);
    expect(planConvergence(signedUp, { ...pending, status: 'CONFIRMED' })).toEqual([
      { type: 'confirmSignUp' },
    ]);
  });

  it('writes a false verification flag after a one-call create, which can only verify', () => {
    const r = record({
      attributes: {
        email: 'ada@example.com',
        email_verified: 'false',
        phone_number: '+4412',
        phone_number_verified: 'true',
      },
      groups: [],
      enabled: false,
    });
    expect(planConvergence(null, r, { confirmedCreate: true }).map((op) => op.type)).toEqual([
      'createUser',
      'updateAttributes',
      'disable',
    ]);
    expect(planConvergence(null, r, { confirmedCreate: true })[1]).toEqual({
      type: 'updateAttributes',
      attributes: { email: 'ada@example.com', email_verified: 'false' },
    });
  });

  describe('provider links', () => {
    const google = { providerName: 'Google', userId: '1001' };
    const federated = record({ username: 'google_1001', status: 'EXTERNAL_PROVIDER', identities: [google] });

    it("creates a federated user's copy as a confirmed native user linked to the provider user, before its groups", () => {
      expect(
        planConvergence(null, federated, { confirmedCreate: true }).map((operation) => operation.type),
      ).toEqual(['createUser', 'linkProvider', 'ensureGroup', 'addToGroup']);
      expect(planConvergence(null, federated, { confirmedCreate: true })[0]).toMatchObject({
        confirmed: true,
      });
      expect(planConvergence(null, federated)).toContainEqual({ type: 'linkProvider', identity: google });
      expectMatches(converge(null, federated, { confirmedCreate: true }), federated);
    });

    it('unlinks a provider user the record no longer has, except from a federated user of the pool itself', () => {
      const corp = { providerName: 'Corp', userId: 'ada' };
      const links = JSON.stringify([
        { ...google, primary: false },
        { ...corp, primary: false },
      ]);
      const backup = backupOf(federated, {
        attributes: { ...linked(federated), sub: 'backup-sub', identities: links },
      });
      expect(planConvergence(backup, federated)).toEqual([{ type: 'unlinkProvider', identity: corp }]);
      expect(planConvergence({ ...backup, status: 'EXTERNAL_PROVIDER' }, federated)).toEqual([]);
    });
  });

  describe('MFA', () => {
    const withPhone = (verified: string, mfa: UserRecord['mfa']) =>
      record({
        attributes: {
          email: 'ada@example.com',
          email_verified: 'true',
          phone_number: '+15555550123',
          phone_number_verified: verified,
        },
        ...(mfa ? { mfa } : {}),
      });

    it('turns on the SMS and email-OTP factors the record has, as preferred, once the user exists', () => {
      const r = withPhone('true', { enabled: ['EMAIL_OTP', 'SMS_MFA'], preferred: 'SMS_MFA' });
      const plan = planConvergence(null, r, { confirmedCreate: true });
      expect(plan.map((operation) => operation.type)).toEqual([
        'createUser',
        'setMfaPreference',
        'ensureGroup',
        'addToGroup',
      ]);
      expect(plan[1]).toEqual({
        type: 'setMfaPreference',
        settings: {
          SMS_MFA: { enabled: true, preferred: true },
          EMAIL_OTP: { enabled: true, preferred: false },
        },
      });
      expectMatches(converge(null, r, { confirmedCreate: true }), r);
    });

    it('leaves a factor off while its destination is unverified, and turns it on once it is verified', () => {
      const unverified = withPhone('false', { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' });
      const created = converge(null, unverified);
      expect(created?.mfa).toEqual({ enabled: [] });
      expect(planConvergence(created, unverified)).toEqual([]);

      const verified = withPhone('true', unverified.mfa);
      expect(planConvergence(created, verified)).toEqual([
        {
          type: 'updateAttributes',
          attributes: { phone_number: '+15555550123', phone_number_verified: 'true' },
        },
        { type: 'setMfaPreference', settings: { SMS_MFA: { enabled: true, preferred: true } } },
      ]);
    });

    it('turns a factor off when the primary user turned it off, touching no other factor', () => {
      const r = withPhone('true', undefined);
      const backup = backupOf(r, {
        mfa: { enabled: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'], preferred: 'SMS_MFA' },
      });
      expect(planConvergence(backup, r)).toEqual([
        { type: 'setMfaPreference', settings: { SMS_MFA: { enabled: false, preferred: false } } },
      ]);
    });

    it('never plans a TOTP factor, whose secret cannot be copied: the user enrols their app again', () => {
      const r = withPhone('true', { enabled: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' });
      expect(planConvergence(null, r).some((operation) => operation.type === 'setMfaPreference')).toBe(false);
      expect(planConvergence(backupOf(r, { mfa: { enabled: [] } }), r)).toEqual([]);
    });

    it('plans no MFA call for a backup user whose MFA settings were not read (a listing)', () => {
      const r = withPhone('true', { enabled: ['SMS_MFA'] });
      expect(planConvergence(backupOf(r), r)).toEqual([]);
    });
  });

  describe('properties', () => {
    it('a one-call create converges too, and a second plan is empty', () => {
      fc.assert(
        fc.property(recordArb, (r) => {
          const converged = converge(null, r, { confirmedCreate: true });
          expectMatches(converged, r);
          expect(planConvergence(converged, r)).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });

    it('executing the plan on any backup state yields the record, and a second plan is empty', () => {
      fc.assert(
        fc.property(
          recordArb.chain((r) => fc.tuple(fc.constant(r), fc.option(backupStateArb(r), { nil: null }))),
          ([r, backup]) => {
            const converged = converge(backup, r);
            expectMatches(converged, r);
            expect(planConvergence(converged, r)).toEqual([]);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('planning from nothing and converging twice is the same as once', () => {
      fc.assert(
        fc.property(recordArb, (r) => {
          const once = converge(null, r);
          expect(converge(once, r)).toEqual(once);
        }),
      );
    });

    it('converges through any sequence of records, like a stream of snapshots', () => {
      fc.assert(
        fc.property(
          fc.string({ minLength: 1 }),
          fc.array(recordArb, { minLength: 1, maxLength: 5 }),
          (username, records) => {
            let state: TargetUserState | null = null;
            for (const r of records) {
              state = converge(state, { ...r, username });
            }
            expectMatches(state, records.at(-1) as UserRecord);
          },
        ),
      );
    });
  });
});
