// A new backup user costs one UserCreation call: SignUp through the backup pool's replicator client, confirmed
// and verified by the pool's PreSignUp trigger. Everyone else's sign-up is refused while the pool is on standby.
import {
  AdminGetUserCommand,
  ForgotPasswordCommand,
  SignUpCommand,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import { given } from '../support/given';
import { backupPool, primaryPool, stack } from '../support/stack';
import { then } from '../support/then';
import { when } from '../support/when';

describe('a new backup user', () => {
  it('is created with one SignUp, confirmed, verified as in the primary, linked, and can reset a password', async () => {
    // The primary has verified the email, not the phone (cognito-local takes the flag at sign-up; in AWS the
    // confirmation code sets it).
    const user = given.aRandomUser({
      'custom:tier': 'silver',
      phone_number: '+14155550123',
      email_verified: 'true',
    });
    const before = await when.theFaultProxyCounts();

    await when.theUserSignsUpAndIsConfirmed(user);

    const backup = await then.theBackupUserHasAttributes(
      user,
      { email_verified: 'true' },
      { within: 15_000 },
    );
    const primary = await primaryPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.primary.userPoolId, Username: user.username }),
    );
    expect(backup.UserStatus).toBe('CONFIRMED');
    expect(then.attributesOf(backup)).toMatchObject({
      'custom:tier': 'silver',
      phone_number: '+14155550123',
      'custom:source_sub': then.attributesOf(primary).sub,
    });
    expect(then.attributesOf(backup).phone_number_verified ?? 'false').toBe('false');
    const after = await when.theFaultProxyCounts();
    expect(after.operations.SignUp?.forwarded ?? 0).toBeGreaterThan(before.operations.SignUp?.forwarded ?? 0);

    // After a failover the user sets a new password through the ordinary flow.
    const reset = await backupPool.send(
      new ForgotPasswordCommand({ ClientId: stack.backup.clientId, Username: user.username }),
    );
    expect(reset.CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
  });
});

describe("the backup pool's app client, while the pool is on standby", () => {
  it('refuses a sign-up, saying to sign up in the active region', async () => {
    const user = given.aRandomUser();
    const attempt = backupPool.send(
      new SignUpCommand({
        ClientId: stack.backup.clientId,
        Username: user.username,
        Password: user.password,
        UserAttributes: [{ Name: 'email', Value: user.attributes.email ?? '' }],
      }),
    );
    await expect(attempt).rejects.toThrow(UserLambdaValidationException);
    await expect(attempt).rejects.toThrow(/standby copy of another region; sign up in the active region/);
    await expect(
      backupPool.send(
        new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: user.username }),
      ),
    ).rejects.toThrow(/User does not exist/);
  });
});
