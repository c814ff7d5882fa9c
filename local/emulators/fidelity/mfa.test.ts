// Difference 14 of the fidelity layer, against the real cognito-local child: the pool's MFA configuration and its
// preconditions, users' MFA preferences, and sign-in that asks for the user's factor (codes read from the
// region's mailbox, TOTP codes computed from the shared secret as an authenticator app does).
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readMailbox } from '@cognito-dr/shared';
import { totpCode } from '../testing/authenticator';
import { CognitoLocalChild } from '../testing/cognito-local-child';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const PASSWORD = 'Pw-1-mfa-test';
const SMS_CONFIGURATION = { SnsCallerArn: 'arn:aws:iam::123456789012:role/cognito-sms', ExternalId: 'local' };
let child: CognitoLocalChild;
let cognito: CognitoIdentityProviderClient;
let mailbox: string;

beforeAll(async () => {
  child = new CognitoLocalChild();
  await child.start();
  cognito = child.client();
  mailbox = join(child.dir, 'mailbox.jsonl');
});
afterAll(() => child.dispose());

const aPool = async (settings: Omit<CreateUserPoolCommandInput, 'PoolName'> = {}) => {
  const userPoolId = (
    await cognito.send(
      new CreateUserPoolCommand({ PoolName: 'mfa', SmsConfiguration: SMS_CONFIGURATION, ...settings }),
    )
  ).UserPool?.Id as string;
  const clientId = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'app',
        ExplicitAuthFlows: [
          'ALLOW_USER_PASSWORD_AUTH',
          'ALLOW_ADMIN_USER_PASSWORD_AUTH',
          'ALLOW_REFRESH_TOKEN_AUTH',
        ],
      }),
    )
  ).UserPoolClient?.ClientId as string;
  return { userPoolId, clientId };
};
type Pool = Awaited<ReturnType<typeof aPool>>;

const aUser = async (pool: Pool, username: string, attributes: Record<string, string>) => {
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: pool.userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: pool.userPoolId,
      Username: username,
      Password: PASSWORD,
      Permanent: true,
    }),
  );
};
const signIn = (pool: Pool, username: string) =>
  cognito.send(
    new InitiateAuthCommand({
      ClientId: pool.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD },
    }),
  );
const answer = (
  pool: Pool,
  username: string,
  challenge: string,
  session: string | undefined,
  responses: Record<string, string>,
) =>
  cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: pool.clientId,
      ChallengeName: challenge as never,
      Session: session,
      ChallengeResponses: { USERNAME: username, ...responses },
    }),
  );
const lastCodeFor = (destination: string) =>
  readMailbox(mailbox)
    .filter((m) => m.destination === destination)
    .at(-1)?.code as string;
const setConfig = (pool: Pool, settings: Record<string, unknown>) =>
  cognito.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId, ...settings }));
const preference = (pool: Pool, username: string, settings: Record<string, unknown>) =>
  cognito.send(
    new AdminSetUserMFAPreferenceCommand({ UserPoolId: pool.userPoolId, Username: username, ...settings }),
  );
const getUser = (pool: Pool, username: string) =>
  cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: username }));
const attribute = async (pool: Pool, username: string, name: string) =>
  (await getUser(pool, username)).UserAttributes?.find((a) => a.Name === name)?.Value;

describe("a pool's MFA configuration", () => {
  it('turns on the factors a call names and off those it leaves out, and reports them', async () => {
    const pool = await aPool();
    await setConfig(pool, {
      MfaConfiguration: 'OPTIONAL',
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}' },
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    const both = await cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId }));
    expect(both).toMatchObject({
      MfaConfiguration: 'OPTIONAL',
      SmsMfaConfiguration: {
        SmsAuthenticationMessage: 'Your code is {####}',
        SmsConfiguration: SMS_CONFIGURATION,
      },
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    await setConfig(pool, { MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } });
    const totpOnly = await cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId }));
    expect(totpOnly.SmsMfaConfiguration).toBeUndefined();
  });

  it('refuses what Cognito refuses, and changes nothing', async () => {
    const pool = await aPool({ SmsConfiguration: undefined });
    await expect(setConfig(pool, { MfaConfiguration: 'ON' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      setConfig(pool, {
        MfaConfiguration: 'OPTIONAL',
        SmsMfaConfiguration: { SmsAuthenticationMessage: 'code {####}' },
      }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('SmsConfiguration'),
    });
    await expect(
      setConfig(pool, { MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: { Message: 'code {####}' } }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('SES') });
    expect(
      await cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId })),
    ).toMatchObject({
      MfaConfiguration: 'OFF',
      SoftwareTokenMfaConfiguration: { Enabled: false },
    });
  });
});

describe('SMS MFA', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await aPool();
    await setConfig(pool, {
      MfaConfiguration: 'OPTIONAL',
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}' },
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
  });

  it('needs a phone number, and is reported as the user`s setting', async () => {
    await aUser(pool, 'no-phone', { email: 'no-phone@example.com' });
    await expect(preference(pool, 'no-phone', { SMSMfaSettings: { Enabled: true } })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'User does not have delivery config set to turn on SMS_MFA',
    });
    await aUser(pool, 'texter', { phone_number: '+15550101234' });
    await preference(pool, 'texter', { SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
    expect(await getUser(pool, 'texter')).toMatchObject({
      UserMFASettingList: ['SMS_MFA'],
      PreferredMfaSetting: 'SMS_MFA',
    });
  });

  it('asks for the code sent to the phone, refuses a wrong one, and then verifies the number', async () => {
    await aUser(pool, 'sms-user', { phone_number: '+15550109876' });
    await preference(pool, 'sms-user', { SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
    const started = await signIn(pool, 'sms-user');
    expect(started.AuthenticationResult).toBeUndefined();
    expect(started).toMatchObject({
      ChallengeName: 'SMS_MFA',
      ChallengeParameters: {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
        CODE_DELIVERY_DESTINATION: '+*******9876',
      },
    });
    const code = lastCodeFor('+15550109876');
    await expect(
      answer(pool, 'sms-user', 'SMS_MFA', started.Session, { SMS_MFA_CODE: `${code}0` }),
    ).rejects.toMatchObject({ name: 'CodeMismatchException' });
    const done = await answer(pool, 'sms-user', 'SMS_MFA', started.Session, { SMS_MFA_CODE: code });
    expect(done.AuthenticationResult?.AccessToken).toBeDefined();
    expect(await attribute(pool, 'sms-user', 'phone_number_verified')).toBe('true');
    const token = done.AuthenticationResult?.AccessToken;
    expect(await cognito.send(new GetUserCommand({ AccessToken: token }))).toMatchObject({
      UserMFASettingList: ['SMS_MFA'],
      PreferredMfaSetting: 'SMS_MFA',
    });
  });

  it('lets a user with two factors and no preference choose, and the administrator sign them in', async () => {
    await aUser(pool, 'chooser', { phone_number: '+15550104444' });
    const token = (
      await cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: pool.userPoolId,
          ClientId: pool.clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'chooser', PASSWORD },
        }),
      )
    ).AuthenticationResult?.AccessToken;
    const { SecretCode } = await cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: token }));
    await cognito.send(
      new VerifySoftwareTokenCommand({
        AccessToken: token,
        UserCode: totpCode(String(SecretCode)),
      }),
    );
    // Verified, the app is not yet a factor: the user turns it on.
    expect(
      (await cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: 'chooser' })))
        .UserMFASettingList ?? [],
    ).toEqual([]);
    await cognito.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: token,
        SMSMfaSettings: { Enabled: true },
        SoftwareTokenMfaSettings: { Enabled: true },
      }),
    );
    const started = await cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: pool.userPoolId,
        ClientId: pool.clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'chooser', PASSWORD },
      }),
    );
    expect(started.ChallengeName).toBe('SELECT_MFA_TYPE');
    expect(JSON.parse(String(started.ChallengeParameters?.MFAS_CAN_CHOOSE)).sort()).toEqual([
      'SMS_MFA',
      'SOFTWARE_TOKEN_MFA',
    ]);
    const sms = await cognito.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: pool.userPoolId,
        ClientId: pool.clientId,
        ChallengeName: 'SELECT_MFA_TYPE',
        Session: started.Session,
        ChallengeResponses: { USERNAME: 'chooser', ANSWER: 'SMS_MFA' },
      }),
    );
    expect(sms.ChallengeName).toBe('SMS_MFA');
    const done = await cognito.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: pool.userPoolId,
        ClientId: pool.clientId,
        ChallengeName: 'SMS_MFA',
        Session: sms.Session,
        ChallengeResponses: { USERNAME: 'chooser', SMS_MFA_CODE: lastCodeFor('+15550104444') },
      }),
    );
    expect(done.AuthenticationResult?.IdToken).toBeDefined();
  });

  it('asks nothing of a user with no factor in an optional pool, nor of anyone in a pool with MFA off', async () => {
    await aUser(pool, 'plain', { email: 'plain@example.com' });
    expect((await signIn(pool, 'plain')).AuthenticationResult?.AccessToken).toBeDefined();
    const off = await aPool();
    await aUser(off, 'texter-off', { phone_number: '+15550107777' });
    await preference(off, 'texter-off', { SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
    expect((await signIn(off, 'texter-off')).AuthenticationResult?.AccessToken).toBeDefined();
  });
});

describe('a pool that requires MFA', () => {
  it('makes a user with no usable factor enrol a TOTP app (MFA_SETUP), then asks for its codes', async () => {
    const pool = await aPool();
    await setConfig(pool, {
      MfaConfiguration: 'ON',
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code is {####}' },
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    await aUser(pool, 'enroller', { email: 'enroller@example.com' });
    const started = await signIn(pool, 'enroller');
    expect(started).toMatchObject({
      ChallengeName: 'MFA_SETUP',
      ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' },
    });
    await expect(answer(pool, 'enroller', 'MFA_SETUP', started.Session, {})).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    const associated = await cognito.send(new AssociateSoftwareTokenCommand({ Session: started.Session }));
    const verified = await cognito.send(
      new VerifySoftwareTokenCommand({
        Session: associated.Session,
        UserCode: totpCode(String(associated.SecretCode)),
      }),
    );
    expect(verified.Status).toBe('SUCCESS');
    const done = await answer(pool, 'enroller', 'MFA_SETUP', verified.Session, {});
    expect(done.AuthenticationResult?.AccessToken).toBeDefined();

    const again = await signIn(pool, 'enroller');
    expect(again.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const second = await answer(pool, 'enroller', 'SOFTWARE_TOKEN_MFA', again.Session, {
      SOFTWARE_TOKEN_MFA_CODE: totpCode(String(associated.SecretCode)),
    });
    expect(second.AuthenticationResult?.AccessToken).toBeDefined();
  });

  it('sends a code to the phone of a user who set nothing up, when the pool offers SMS', async () => {
    const pool = await aPool();
    await setConfig(pool, {
      MfaConfiguration: 'ON',
      SmsMfaConfiguration: { SmsAuthenticationMessage: 'code {####}' },
    });
    await aUser(pool, 'has-phone', { phone_number: '+15550103333' });
    expect((await signIn(pool, 'has-phone')).ChallengeName).toBe('SMS_MFA');
  });

  it('refuses to associate a TOTP app where the pool does not offer TOTP', async () => {
    const pool = await aPool();
    await aUser(pool, 'no-totp', { email: 'no-totp@example.com' });
    const token = (await signIn(pool, 'no-totp')).AuthenticationResult?.AccessToken;
    await expect(
      cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: token })),
    ).rejects.toMatchObject({
      name: 'SoftwareTokenMFANotFoundException',
    });
  });
});

describe('email OTP MFA', () => {
  it('needs a pool sending through SES; then a user with an email is asked for the code sent to it', async () => {
    const pool = await aPool({
      EmailConfiguration: {
        EmailSendingAccount: 'DEVELOPER',
        SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
      },
    });
    await setConfig(pool, {
      MfaConfiguration: 'OPTIONAL',
      EmailMfaConfiguration: { Message: 'Code {####}' },
    });
    await aUser(pool, 'mailer', { email: 'mailer@example.com' });
    await preference(pool, 'mailer', { EmailMfaSettings: { Enabled: true, PreferredMfa: true } });
    const started = await signIn(pool, 'mailer');
    expect(started).toMatchObject({
      ChallengeName: 'EMAIL_OTP',
      ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL', CODE_DELIVERY_DESTINATION: 'm***@e***' },
    });
    const done = await answer(pool, 'mailer', 'EMAIL_OTP', started.Session, {
      EMAIL_OTP_CODE: lastCodeFor('mailer@example.com'),
    });
    expect(done.AuthenticationResult?.AccessToken).toBeDefined();
  });
});
