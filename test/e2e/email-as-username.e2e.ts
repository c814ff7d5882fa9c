// The local stack of the `email` shape, driven through stack.json with the plain SDK as any tool would: its pools
// are shaped as an adopted production pool and a bare backup pool, and its users are named as Cognito names them
// when they sign in with their email (a generated username that is their sub; the email, in any case, wherever a
// username goes; one user per email). Replication between its pools: test/support/sign-in-replication.ts; of MFA
// users, below.
import { randomBytes, randomInt } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '@cognito-dr/shared';
import { readMailbox } from '@cognito-dr/shared';
import { totpCode } from '../../local/emulators/testing/authenticator';
import { eventually } from '../support/eventually';
import { operator } from '../support/operator';
import { SHAPED_STACK_START_TIMEOUT_MS, stackFileOfShape, stackOfShape } from '../support/shaped-stack';
import { describeSignInReplication } from '../support/sign-in-replication';
import { connect } from '../support/stack';

let stack: StackInfo;
let pools: ReturnType<typeof connect>;

beforeAll(async () => {
  stack = await stackOfShape('email');
  pools = connect(stack);
}, SHAPED_STACK_START_TIMEOUT_MS);

const anEmail = () => `Ada.${randomBytes(5).toString('hex')}@Example.com`;
const claims = (token: string | undefined) =>
  JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    string
  >;
const attributesOf = (attributes: { Name?: string; Value?: string }[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((a) => [a.Name, a.Value]));

describe('a stack of the email shape', () => {
  it('runs an adopted pool with optional MFA and custom attributes of every type, and a bare backup pool', async () => {
    expect(stack.shape).toBe('email');
    const primary = (
      await pools.primaryPool.send(new DescribeUserPoolCommand({ UserPoolId: stack.primary.userPoolId }))
    ).UserPool;
    expect(primary?.UsernameAttributes).toEqual(['email']);
    expect(primary?.MfaConfiguration).toBe('OPTIONAL');
    const customTypes = (primary?.SchemaAttributes ?? [])
      .filter((a) => a.Name?.startsWith('custom:'))
      .map((a) => a.AttributeDataType);
    expect(new Set(customTypes)).toEqual(new Set(['String', 'Number', 'Boolean', 'DateTime']));
    const backup = (
      await pools.backupPool.send(new DescribeUserPoolCommand({ UserPoolId: stack.backup.userPoolId }))
    ).UserPool;
    expect(backup?.UsernameAttributes).toEqual(['email']);
    expect(
      (backup?.SchemaAttributes ?? []).filter((a) => a.Name?.startsWith('custom:')).map((a) => a.Name),
    ).toEqual(['custom:source_sub']);
  });

  it('signs the administrator in with their email in any case, under a generated username that is their sub', async () => {
    const { AuthenticationResult } = await pools.primaryPool.send(
      new InitiateAuthCommand({
        ClientId: stack.primary.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: stack.admin.username.toUpperCase(), PASSWORD: stack.admin.password },
      }),
    );
    const id = claims(AuthenticationResult?.IdToken);
    expect(id['cognito:username']).toBe(id.sub);
    expect(id['cognito:username']).toMatch(/^[0-9a-f-]{36}$/);
    expect(id.email).toBe(stack.admin.username);
  });

  it('names a user who signs up with their email after their sub, and takes the email wherever a username goes', async () => {
    const email = anEmail();
    const { UserSub } = await pools.primaryPool.send(
      new SignUpCommand({ ClientId: stack.primary.clientId, Username: email, Password: 'Pw-1-email-shape' }),
    );
    const user = await pools.primaryPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.primary.userPoolId, Username: email.toLowerCase() }),
    );
    expect(user.Username).toBe(UserSub);
    expect(attributesOf(user.UserAttributes)).toMatchObject({ sub: UserSub, email });
    const groups = await pools.primaryPool.send(
      new AdminListGroupsForUserCommand({ UserPoolId: stack.primary.userPoolId, Username: email }),
    );
    expect(groups.Groups).toEqual([]);
    await expect(
      pools.primaryPool.send(
        new SignUpCommand({
          ClientId: stack.primary.clientId,
          Username: email.toUpperCase(),
          Password: 'Pw-1-again',
        }),
      ),
    ).rejects.toMatchObject({ name: 'UsernameExistsException' });
  });

  it("creates users with AdminCreateUser through the pool's PreSignUp trigger, and resets a password by email", async () => {
    const email = anEmail();
    const { User } = await pools.primaryPool.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
    expect(User?.Username).toBe(attributesOf(User?.Attributes).sub);
    const before = readMailbox(stack.mailbox.primary).length;
    const { CodeDeliveryDetails } = await pools.primaryPool.send(
      new ForgotPasswordCommand({ ClientId: stack.primary.clientId, Username: email }),
    );
    expect(CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
    const sent = readMailbox(stack.mailbox.primary).slice(before);
    expect(sent).toEqual([expect.objectContaining({ username: User?.Username, destination: email })]);
  });

  it('offers SMS, TOTP and email MFA, and signs an SMS-MFA user in with the code texted to their phone', async () => {
    const mfa = await pools.primaryPool.send(
      new GetUserPoolMfaConfigCommand({ UserPoolId: stack.primary.userPoolId }),
    );
    expect(mfa).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      SmsMfaConfiguration: expect.any(Object),
      SoftwareTokenMfaConfiguration: { Enabled: true },
      EmailMfaConfiguration: expect.any(Object),
    });
    const email = anEmail();
    const phone = `+1555${String(Date.now()).slice(-7)}`;
    await pools.primaryPool.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'phone_number', Value: phone }],
      }),
    );
    await pools.primaryPool.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: email,
        Password: 'Pw-1-sms-mfa',
        Permanent: true,
      }),
    );
    await pools.primaryPool.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: email,
        SMSMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const user = await pools.primaryPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.primary.userPoolId, Username: email }),
    );
    expect(user).toMatchObject({ UserMFASettingList: ['SMS_MFA'], PreferredMfaSetting: 'SMS_MFA' });
    const challenge = await pools.primaryPool.send(
      new InitiateAuthCommand({
        ClientId: stack.primary.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: 'Pw-1-sms-mfa' },
      }),
    );
    expect(challenge.ChallengeName).toBe('SMS_MFA');
    const code = readMailbox(stack.mailbox.primary)
      .filter((m) => m.destination === phone && m.medium === 'sms')
      .at(-1)?.code;
    const { AuthenticationResult } = await pools.primaryPool.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.primary.clientId,
        ChallengeName: 'SMS_MFA',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: email, SMS_MFA_CODE: String(code) },
      }),
    );
    expect(claims(AuthenticationResult?.IdToken)['cognito:username']).toBe(user.Username);
  });
});

const REPLICATION_MS = 30_000;
const aPhone = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
const mfaInPrimary = (email: string) => ({ UserPoolId: stack.primary.userPoolId, Username: email });
const backupUserByEmail = (email: string) =>
  pools.backupPool
    .send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: email }))
    .catch((error: Error) => {
      if (error.name === 'UserNotFoundException') return undefined;
      throw error;
    });

// An SMS-MFA user reaches the backup pool with their preference (their phone number verified); a user with a TOTP
// app reaches it without one (its secret cannot be read from any pool), and `cognito-dr status` counts them.
describe('MFA users of pools that name their users by email', () => {
  it('brings an SMS-MFA user to the backup pool with their preference, once their phone number is verified', async () => {
    const email = anEmail();
    const phone = aPhone();
    await pools.primaryPool.send(
      new AdminCreateUserCommand({
        ...mfaInPrimary(email),
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email_verified', Value: 'true' },
          { Name: 'phone_number', Value: phone },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
    await pools.primaryPool.send(
      new AdminSetUserPasswordCommand({ ...mfaInPrimary(email), Password: 'Pw-1-sms-mfa', Permanent: true }),
    );
    await pools.primaryPool.send(
      new AdminSetUserMFAPreferenceCommand({
        ...mfaInPrimary(email),
        SMSMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const home = attributesOf(
      (await pools.primaryPool.send(new AdminGetUserCommand(mfaInPrimary(email)))).UserAttributes,
    ).sub;

    const replicated = await eventually(
      () => backupUserByEmail(email),
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
    await pools.primaryPool.send(new AdminConfirmSignUpCommand(mfaInPrimary(email)));
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
      () => backupUserByEmail(email),
      (user) => user !== undefined,
      { within: REPLICATION_MS, what: 'the TOTP user in the backup pool' },
    );
    expect(attributesOf(replicated?.UserAttributes)['custom:source_sub']).toBe(UserSub);
    expect(replicated?.UserMFASettingList ?? []).toEqual([]);
  }, 120_000);
});

describeSignInReplication('email');
