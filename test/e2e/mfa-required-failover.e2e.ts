// A failover of pools that require MFA, on a stack of its own (`email` shape; no other suite may see a failover):
// a user with a TOTP app, whose secret cannot be copied, is counted by the failover report, and at their first
// sign-in on the backup pool (after "forgot password", as every user) Cognito makes them enrol their app again
// (MFA_SETUP); they land in their replicated user.
import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readMailbox } from '@cognito-dr/shared';
import { totpCode } from '../../local/emulators/testing/authenticator';
import { ADOPTED_SMS_CONFIGURATION } from '../../local/stack/shapes';
import { eventually } from '../support/eventually';
import { operator } from '../support/operator';
import { type OwnStack, startOwnStack } from '../support/own-stack';
import { connect } from '../support/stack';

let stack: OwnStack;
let clients: ReturnType<typeof connect>;

beforeAll(async () => {
  stack = await startOwnStack('mfa-required', { shape: 'email', warm: 'single' });
  clients = connect(stack.info);
}, 360_000);

afterAll(() => stack?.stop(), 60_000);

const claims = (token: string | undefined) =>
  JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

describe('a failover of pools that require MFA', () => {
  it('counts a TOTP user, who then enrols their app again at their first sign-in on the backup pool', async () => {
    const email = `totp.${randomBytes(5).toString('hex')}@example.com`;
    const inPrimary = { UserPoolId: stack.info.primary.userPoolId, Username: email };
    await clients.primaryPool.send(
      new AdminCreateUserCommand({
        ...inPrimary,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
    await clients.primaryPool.send(
      new AdminSetUserPasswordCommand({ ...inPrimary, Password: 'Pw-1-home-pool', Permanent: true }),
    );
    const signedIn = await clients.primaryPool.send(
      new InitiateAuthCommand({
        ClientId: stack.info.primary.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: 'Pw-1-home-pool' },
      }),
    );
    const AccessToken = signedIn.AuthenticationResult?.AccessToken;
    const homeSub = claims(signedIn.AuthenticationResult?.IdToken).sub;
    const app = await clients.primaryPool.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await clients.primaryPool.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(String(app.SecretCode)) }),
    );
    await clients.primaryPool.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    // From now on both pools require MFA.
    await clients.primaryPool.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: stack.info.primary.userPoolId,
        MfaConfiguration: 'ON',
        SmsMfaConfiguration: {
          SmsAuthenticationMessage: 'Your sign-in code is {####}',
          SmsConfiguration: ADOPTED_SMS_CONFIGURATION,
        },
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    await clients.backupPool.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: stack.info.backup.userPoolId,
        MfaConfiguration: 'ON',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    await eventually(
      () =>
        clients.backupPool
          .send(new AdminGetUserCommand({ UserPoolId: stack.info.backup.userPoolId, Username: email }))
          .catch(() => undefined),
      (user) => user !== undefined,
      { within: 30_000, what: 'the TOTP user in the backup pool' },
    );

    const failover = await operator.runsFrom({ stackFile: stack.stackFile }, 'failover', '--verbose');
    expect(failover.code).toBe(0);
    expect(failover.json).toMatchObject({ totpReenrolment: 1, totpReenrolmentUsers: [homeSub] });
    expect(failover.stdout).not.toContain(email);

    const backupClient = stack.info.backup.clientId;
    const sent = readMailbox(stack.info.mailbox.backup).length;
    await clients.backupPool.send(new ForgotPasswordCommand({ ClientId: backupClient, Username: email }));
    const code = await eventually(
      async () =>
        readMailbox(stack.info.mailbox.backup)
          .slice(sent)
          .find((message) => message.destination.toLowerCase() === email && message.code)?.code,
      (found) => found !== undefined,
      { within: 10_000, what: 'the reset code from the backup pool' },
    );
    await clients.backupPool.send(
      new ConfirmForgotPasswordCommand({
        ClientId: backupClient,
        Username: email,
        ConfirmationCode: String(code),
        Password: 'Pw-1-backup-pool',
      }),
    );
    const started = await clients.backupPool.send(
      new InitiateAuthCommand({
        ClientId: backupClient,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: 'Pw-1-backup-pool' },
      }),
    );
    expect(started.ChallengeName).toBe('MFA_SETUP');
    const enrolled = await clients.backupPool.send(
      new AssociateSoftwareTokenCommand({ Session: started.Session }),
    );
    const verified = await clients.backupPool.send(
      new VerifySoftwareTokenCommand({
        Session: enrolled.Session,
        UserCode: totpCode(String(enrolled.SecretCode)),
      }),
    );
    const done = await clients.backupPool.send(
      new RespondToAuthChallengeCommand({
        ClientId: backupClient,
        ChallengeName: 'MFA_SETUP',
        Session: verified.Session,
        ChallengeResponses: { USERNAME: email },
      }),
    );
    expect(claims(done.AuthenticationResult?.IdToken)['custom:source_sub']).toBe(homeSub);
  }, 300_000);
});
