// MFA users of the email shape's pools, driven with the plain SDK as an administrator and an app would: an SMS-MFA
// user reaches the backup pool with their preference (their phone number verified), a user with a TOTP app reaches
// it without one (its secret cannot be read from any pool), and `cognito-dr status` counts the second by home sub.
import { randomBytes, randomInt } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '@cognito-dr/shared';
import { totpCode } from '../../local/emulators/testing/authenticator';
import { eventually } from '../support/eventually';
import { operator } from '../support/operator';
import { SHAPED_STACK_START_TIMEOUT_MS, stackFileOfShape, stackOfShape } from '../support/shaped-stack';
import { connect } from '../support/stack';

const REPLICATION_MS = 30_000;

let stack: StackInfo;
let pools: ReturnType<typeof connect>;

beforeAll(async () => {
  stack = await stackOfShape('email');
  pools = connect(stack);
}, SHAPED_STACK_START_TIMEOUT_MS);

const anEmail = () => `Mfa.${randomBytes(5).toString('hex')}@Example.com`;
const aPhone = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
const attributesOf = (attributes: { Name?: string; Value?: string }[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((a) => [a.Name, a.Value]));
const inPrimary = (email: string) => ({ UserPoolId: stack.primary.userPoolId, Username: email });
const backupUserOf = (email: string) =>
  pools.backupPool
    .send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: email }))
    .catch((error: Error) => {
      if (error.name === 'UserNotFoundException') return undefined;
      throw error;
    });

describe('MFA users of pools that name their users by email', () => {
  it('brings an SMS-MFA user to the backup pool with their preference, once their phone number is verified', async () => {
    const email = anEmail();
    const phone = aPhone();
    await pools.primaryPool.send(
      new AdminCreateUserCommand({
        ...inPrimary(email),
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email_verified', Value: 'true' },
          { Name: 'phone_number', Value: phone },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
    await pools.primaryPool.send(
      new AdminSetUserPasswordCommand({ ...inPrimary(email), Password: 'Pw-1-sms-mfa', Permanent: true }),
    );
    await pools.primaryPool.send(
      new AdminSetUserMFAPreferenceCommand({
        ...inPrimary(email),
        SMSMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const home = attributesOf(
      (await pools.primaryPool.send(new AdminGetUserCommand(inPrimary(email)))).UserAttributes,
    ).sub;

    const replicated = await eventually(
      () => backupUserOf(email),
      (user) => user?.PreferredMfaSetting === 'SMS_MFA',
      { within: REPLICATION_MS, what: "the SMS-MFA user's preference in the backup pool" },
    );
    expect(replicated?.UserMFASettingList).toEqual(['SMS_MFA']);
    expect(attributesOf(replicated?.UserAttributes)).toMatchObject({
      phone_number: phone,
      phone_number_verified: 'true',
      'custom:source_sub': home,
    });
  }, 120_000);

  it('brings a TOTP user to the backup pool without a factor, and status counts them by home sub, never by email', async () => {
    const email = anEmail();
    const password = 'Pw-1-totp-user';
    const { UserSub } = await pools.primaryPool.send(
      new SignUpCommand({ ClientId: stack.primary.clientId, Username: email, Password: password }),
    );
    await pools.primaryPool.send(new AdminConfirmSignUpCommand(inPrimary(email)));
    const { AuthenticationResult } = await pools.primaryPool.send(
      new InitiateAuthCommand({
        ClientId: stack.primary.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const AccessToken = AuthenticationResult?.AccessToken;
    const { SecretCode } = await pools.primaryPool.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await pools.primaryPool.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(String(SecretCode)) }),
    );
    await pools.primaryPool.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );

    const status = await eventually(
      () => operator.runsFrom({ stackFile: stackFileOfShape('email') }, 'status', '--verbose'),
      (run) =>
        (
          (run.json.mfa as { totpReenrolmentUsers?: string[] } | undefined)?.totpReenrolmentUsers ?? []
        ).includes(UserSub as string),
      { within: REPLICATION_MS, what: 'the TOTP user counted by status' },
    );
    expect(status.code).toBe(0);
    const mfa = status.json.mfa as { totpReenrolment: number; totpReenrolmentUsers: string[] };
    expect(mfa.totpReenrolment).toBe(mfa.totpReenrolmentUsers.length);
    expect(status.stdout.toLowerCase()).not.toContain(email.toLowerCase());

    const replicated = await eventually(
      () => backupUserOf(email),
      (user) => user !== undefined,
      { within: REPLICATION_MS, what: 'the TOTP user in the backup pool' },
    );
    expect(attributesOf(replicated?.UserAttributes)['custom:source_sub']).toBe(UserSub);
    expect(replicated?.UserMFASettingList ?? []).toEqual([]);
  }, 120_000);
});
