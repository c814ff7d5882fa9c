import { marshall } from '@aws-sdk/util-dynamodb';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import fc from 'fast-check';
import { RecordFormatError, UnsupportedSchemaError } from './errors';
import {
  recordFromCognitoUser,
  recordFromImage,
  recordFromItem,
  recordFromTriggerEvent,
  recordToImage,
  recordToItem,
  sameListedSnapshot,
  sameSnapshot,
  tombstoneFor,
} from './record-mapper';
import { recordArb } from './testing/arbitraries';
import { RECORD_SCHEMA_VERSION, TOMBSTONE_RETENTION_DAYS, type UserRecord } from './user-record';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

const cognitoAttributes = [
  { Name: 'sub', Value: 'primary-sub' },
  { Name: 'email', Value: 'ada@example.com' },
  { Name: 'email_verified', Value: 'true' },
  { Name: 'identities', Value: '[{"providerName":"Google"}]' },
  { Name: 'cognito:mfa_enabled', Value: 'true' },
  { Name: 'custom:tier', Value: 'gold' },
  { Name: 'nickname', Value: '' },
];

const expectedAttributes = { email: 'ada@example.com', email_verified: 'true', 'custom:tier': 'gold' };

function sampleRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    username: 'ada',
    schemaVersion: RECORD_SCHEMA_VERSION,
    sub: 'primary-sub',
    attributes: { ...expectedAttributes },
    enabled: true,
    status: 'CONFIRMED',
    groups: ['admins', 'staff'],
    updatedAt: NOW,
    version: 3,
    origin: 'eu-west-1',
    poolId: 'eu-west-1_primary',
    ...overrides,
  };
}

describe('recordFromCognitoUser', () => {
  it('maps an AdminGetUser answer, keeping sub aside and dropping what cannot or must not be written', () => {
    const record = recordFromCognitoUser({
      user: { Username: 'ada', UserAttributes: cognitoAttributes, Enabled: false, UserStatus: 'CONFIRMED' },
      groups: ['staff', 'admins', 'staff'],
      origin: 'eu-west-1',
      poolId: 'eu-west-1_primary',
      now: NOW,
    });
    expect(record).toEqual(sampleRecord({ enabled: false, version: 0 }));
  });

  it("carries the user's MFA settings from AdminGetUser, in one order, factors it does not know left out", () => {
    const record = recordFromCognitoUser({
      user: {
        Username: 'ada',
        UserAttributes: cognitoAttributes,
        Enabled: true,
        UserStatus: 'CONFIRMED',
        UserMFASettingList: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA', 'WEB_AUTHN', 'EMAIL_OTP'],
        PreferredMfaSetting: 'SMS_MFA',
      },
      groups: [],
      origin: 'eu-west-1',
      poolId: 'eu-west-1_primary',
      now: NOW,
    });
    expect(record.mfa).toEqual({
      enabled: ['EMAIL_OTP', 'SMS_MFA', 'SOFTWARE_TOKEN_MFA'],
      preferred: 'SMS_MFA',
    });
    expect(recordFromImage(recordToImage(record))).toEqual(record);
    const none = recordFromCognitoUser({
      user: { Username: 'ada', UserAttributes: cognitoAttributes, Enabled: true, UserStatus: 'CONFIRMED' },
      groups: [],
      origin: 'eu-west-1',
      poolId: 'eu-west-1_primary',
      now: NOW,
    });
    expect(none).not.toHaveProperty('mfa');
  });

  it('carries the provider users linked to a user from the identities attribute, never the attribute itself', () => {
    const record = recordFromCognitoUser({
      user: {
        Username: 'google_1001',
        UserAttributes: [
          { Name: 'sub', Value: 'primary-sub' },
          { Name: 'email', Value: 'fed@example.com' },
          {
            Name: 'identities',
            Value: JSON.stringify([
              { userId: '1001', providerName: 'Google', providerType: 'Google', issuer: null, primary: true },
              {
                userId: 'ada',
                providerName: 'Corp',
                providerType: 'SAML',
                issuer: 'https://idp',
                primary: false,
              },
            ]),
          },
        ],
        Enabled: true,
        UserStatus: 'EXTERNAL_PROVIDER',
      },
      groups: [],
      origin: 'eu-west-1',
      poolId: 'eu-west-1_primary',
      now: NOW,
    });
    expect(record).toMatchObject({
      username: 'google_1001',
      status: 'EXTERNAL_PROVIDER',
      attributes: { email: 'fed@example.com' },
      identities: [
        { providerName: 'Corp', userId: 'ada' },
        { providerName: 'Google', userId: '1001' },
      ],
    });
    expect(record.attributes).not.toHaveProperty('identities');
    expect(recordFromImage(recordToImage(record))).toEqual(record);
    expect(
      sameSnapshot(record, { ...record, identities: [{ providerName: 'Google', userId: '1001' }] }),
    ).toBe(false);
  });

  it('keys a user whose username the pool generated (sign-in by email) by the home sub, the same in every pool', () => {
    const snapshot = (username: string, attributes: { Name: string; Value: string }[]) =>
      recordFromCognitoUser({
        user: { Username: username, UserAttributes: attributes, Enabled: true, UserStatus: 'CONFIRMED' },
        groups: [],
        origin: 'eu-west-1',
        poolId: 'eu-west-1_pool',
        now: NOW,
      });
    const bornHere = snapshot('primary-sub', cognitoAttributes);
    expect(bornHere).toMatchObject({ username: 'primary-sub', sub: 'primary-sub' });
    const linked = snapshot('backup-sub', [
      { Name: 'sub', Value: 'backup-sub' },
      { Name: 'custom:source_sub', Value: 'primary-sub' },
      { Name: 'email', Value: 'ada@example.com' },
    ]);
    expect(linked).toMatchObject({ username: 'primary-sub', sub: 'primary-sub' });
    // A username the user chose is the key, linked or not.
    const chosen = snapshot('ada', [
      { Name: 'sub', Value: 'backup-sub' },
      { Name: 'custom:source_sub', Value: 'primary-sub' },
    ]);
    expect(chosen).toMatchObject({ username: 'ada', sub: 'primary-sub' });
  });

  it('maps a ListUsers entry the same way', () => {
    const record = recordFromCognitoUser({
      user: { Username: 'ada', Attributes: cognitoAttributes, Enabled: true, UserStatus: 'CONFIRMED' },
      groups: ['admins', 'staff'],
      origin: 'eu-west-1',
      poolId: 'eu-west-1_primary',
      now: NOW,
    });
    expect(record).toEqual(sampleRecord({ version: 0 }));
  });

  it("records a user created here from another pool's record under their home sub, never as an attribute", () => {
    const record = recordFromCognitoUser({
      user: {
        Username: 'ada',
        Attributes: [...cognitoAttributes, { Name: 'custom:source_sub', Value: 'home-sub' }],
        Enabled: true,
        UserStatus: 'CONFIRMED',
      },
      groups: ['admins', 'staff'],
      origin: 'eu-west-1',
      poolId: 'eu-west-1_primary',
      now: NOW,
    });
    expect(record).toEqual(sampleRecord({ version: 0, sub: 'home-sub' }));
  });

  it('records a status it does not know as UNKNOWN', () => {
    const record = recordFromCognitoUser({
      user: {
        Username: 'ada',
        Attributes: cognitoAttributes,
        Enabled: true,
        UserStatus: 'SOMETHING_NEW' as never,
      },
      groups: [],
      origin: 'eu-west-1',
      poolId: 'eu-west-1_primary',
      now: NOW,
    });
    expect(record.status).toBe('UNKNOWN');
  });

  it('refuses a user without sub', () => {
    expect(() =>
      recordFromCognitoUser({
        user: { Username: 'ada', UserAttributes: [{ Name: 'email', Value: 'x@example.com' }] },
        groups: [],
        origin: 'eu-west-1',
        poolId: 'eu-west-1_primary',
        now: NOW,
      }),
    ).toThrow(new RecordFormatError('sub', 'missing from the Cognito user'));
  });
});

describe('recordFromTriggerEvent', () => {
  it('maps a PostConfirmation event as an enabled user with the status the event reports', () => {
    const event = {
      version: '1',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_primary',
      userName: 'ada',
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      callerContext: { awsSdkVersion: '3', clientId: 'client' },
      request: {
        userAttributes: {
          sub: 'primary-sub',
          'cognito:user_status': 'CONFIRMED',
          email: 'ada@example.com',
          email_verified: 'true',
          'custom:tier': 'gold',
        },
      },
      response: {},
    } as PostConfirmationTriggerEvent;
    expect(
      recordFromTriggerEvent(event, {
        groups: ['staff', 'admins'],
        origin: 'eu-west-1',
        poolId: event.userPoolId,
        now: NOW,
      }),
    ).toEqual(sampleRecord({ version: 0 }));
  });
});

describe('recordFromImage', () => {
  it('reads what recordToImage wrote', () => {
    expect(recordFromImage(recordToImage(sampleRecord()))).toEqual(sampleRecord());
  });

  it.each([
    ['username', { username: undefined }],
    ['sub', { sub: 42 }],
    ['enabled', { enabled: 'yes' }],
    ['status', { status: 'HAPPY' }],
    ['groups', { groups: 'admins' }],
    ['updatedAt', { updatedAt: -1 }],
    ['version', { version: 1.5 }],
    ['attributes', { attributes: ['email'] }],
    ['attributes.sub', { attributes: { sub: 'x' } }],
    ['attributes.email', { attributes: { email: 7 } }],
    ['deleted', { deleted: true }],
    ['schemaVersion', { schemaVersion: undefined }],
    ['poolId', { poolId: '' }],
    ['mfa', { mfa: { enabled: ['SMS'] } }],
    ['mfa', { mfa: { enabled: ['SMS_MFA'], preferred: 'TEXT' } }],
    ['mfa', { mfa: 'SMS_MFA' }],
    ['identities', { identities: [{ providerName: 'Google' }] }],
    ['identities', { identities: 'Google' }],
  ])('names the malformed field %s', (field, patch) => {
    const item: Record<string, unknown> = { ...recordToItem(sampleRecord()), ...patch };
    for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
    const error = catchError(() => recordFromImage(marshall(item)));
    expect(error).toBeInstanceOf(RecordFormatError);
    expect(error).toMatchObject({ name: 'RecordFormatError', field });
  });

  it('reads a record written before pool ids were recorded, without one', () => {
    const { poolId: _none, ...old } = sampleRecord();
    const item = recordToItem(old);
    expect(item).not.toHaveProperty('poolId');
    expect(recordFromImage(marshall(item))).toEqual(old);
  });

  it('refuses a record of a newer schema, telling the operator what to do', () => {
    const image = recordToImage(sampleRecord({ schemaVersion: RECORD_SCHEMA_VERSION + 1 }));
    expect(() => recordFromImage(image)).toThrow(/schemaVersion: .*deploy the newer reader/);
    expect(() => recordFromImage(image)).toThrow(UnsupportedSchemaError);
  });

  it('never quotes attribute values in its errors', () => {
    const image = recordToImage(sampleRecord());
    image.attributes = { M: { email: { N: '12' }, given_name: { S: 'Ada' } } };
    const error = catchError(() => recordFromImage(image));
    expect(String((error as Error).message)).not.toMatch(/12|Ada/);
    const broken = { ...recordToImage(sampleRecord()), sub: { X: 'secret-value' } } as never;
    expect(String((catchError(() => recordFromImage(broken)) as Error).message)).not.toContain(
      'secret-value',
    );
  });
});

describe('round trips', () => {
  it('record -> item -> record and record -> image -> record are lossless', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        expect(recordFromItem(recordToItem(record))).toEqual(record);
        expect(recordFromImage(recordToImage(record))).toEqual(record);
        // The document client marshals items the same way the stream does.
        expect(recordFromImage(marshall(recordToItem(record)))).toEqual(record);
      }),
    );
  });
});

describe('sameSnapshot', () => {
  it('ignores bookkeeping but not content', () => {
    const a = sampleRecord();
    expect(
      sameSnapshot(a, {
        ...a,
        version: 9,
        updatedAt: NOW + 5,
        origin: 'eu-central-1',
        poolId: 'eu-central-1_backup',
      }),
    ).toBe(true);
    expect(sameSnapshot(a, { ...a, groups: ['staff', 'admins'] })).toBe(true);
    expect(sameSnapshot(a, { ...a, attributes: { ...a.attributes, email: 'b@example.com' } })).toBe(false);
    expect(sameSnapshot(a, { ...a, attributes: { email: 'ada@example.com' } })).toBe(false);
    expect(sameSnapshot(a, { ...a, enabled: false })).toBe(false);
    expect(sameSnapshot(a, { ...a, groups: ['admins'] })).toBe(false);
    expect(sameSnapshot(a, { ...a, status: 'RESET_REQUIRED' })).toBe(false);
    expect(
      sameSnapshot(a, tombstoneFor(a, { origin: 'eu-west-1', poolId: 'eu-west-1_primary', now: NOW })),
    ).toBe(false);
    expect(sameSnapshot(a, { ...a, mfa: { enabled: ['SMS_MFA'] } })).toBe(false);
    expect(
      sameSnapshot(
        { ...a, mfa: { enabled: ['SMS_MFA'] } },
        { ...a, mfa: { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' } },
      ),
    ).toBe(false);
    expect(
      sameSnapshot({ ...a, mfa: { enabled: ['SMS_MFA'] } }, { ...a, mfa: { enabled: ['SMS_MFA'] } }),
    ).toBe(true);
  });

  it('takes the stored MFA settings for those of a listed user, which a listing does not report', () => {
    const stored = sampleRecord({ mfa: { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' } });
    const listed = sampleRecord();
    expect(sameSnapshot(stored, listed)).toBe(false);
    expect(sameListedSnapshot(stored, listed)).toBe(true);
    expect(sameListedSnapshot(stored, { ...listed, enabled: false })).toBe(false);
  });
});

describe('tombstoneFor', () => {
  it('keeps the last snapshot so a deleted user can be restored, and expires after the retention period', () => {
    const previous = sampleRecord();
    const later = NOW + 60_000;
    const tombstone = tombstoneFor(previous, {
      origin: 'eu-central-1',
      poolId: 'eu-central-1_B',
      now: later,
    });
    expect(tombstone).toEqual({
      ...previous,
      deleted: true,
      deletedAt: later,
      updatedAt: later,
      origin: 'eu-central-1',
      poolId: 'eu-central-1_B',
      expiresAt: Math.floor(later / 1000) + TOMBSTONE_RETENTION_DAYS * 86_400,
    });
    expect(recordFromImage(recordToImage(tombstone))).toEqual(tombstone);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
