// A new backup user costs one UserCreation call: SignUp through the backup pool's replicator client, confirmed
// and verified by the pool's PreSignUp trigger (failover/src/posture.ts). Everyone else's sign-up is refused while
// the pool is on standby.
import {
  AdminGetUserCommand,
  SignUpCommand,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import { given } from '../support/given';
import { backupPool, primaryPool, stack } from '../support/stack';
import { then } from '../support/then';
import { when } from '../support/when';

describe('a new backup user', () => {
  it('is created with one SignUp, confirmed, verified as in the primary and linked', async () => {
    // Only what the primary's app client lets a user write at sign-up.
    const user = given.aRandomUser({ 'custom:tier': 'silver' });

    await when.theUserSignsUpAndIsConfirmed(user);

    const backup = await then.theUserIsInTheBackupPool(user, { within: 15_000 });
    const primary = await primaryPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.primary.userPoolId, Username: user.username }),
    );
    // CONFIRMED with no password set afterwards: after a failover, ForgotPassword works for this user.
    expect(backup.UserStatus).toBe('CONFIRMED');
    expect(then.attributesOf(backup)).toMatchObject({
      email: user.attributes.email,
      'custom:tier': 'silver',
      'custom:source_sub': then.attributesOf(primary).sub,
    });
    expect(then.attributesOf(backup).email_verified ?? 'false').toBe(
      then.attributesOf(primary).email_verified ?? 'false',
    );
    // What the replica sent the backup pool for this user (the fault proxy sits between them): one SignUp, and
    // neither of the two-call way's AdminCreateUser (UserCreation) and AdminSetUserPassword (UserAccountRecovery).
    const sent = (await when.theFaultProxyCounts()).users[user.username] ?? {};
    expect({
      SignUp: sent.SignUp ?? 0,
      AdminCreateUser: sent.AdminCreateUser ?? 0,
      AdminSetUserPassword: sent.AdminSetUserPassword ?? 0,
    }).toEqual({ SignUp: 1, AdminCreateUser: 0, AdminSetUserPassword: 0 });
  });
});

describe("the backup pool's app client, while the pool is on standby", () => {
  it('refuses a public sign-up, saying to sign up in the active region, and creates nobody', async () => {
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
    await expect(attempt).rejects.toThrow(/on standby and takes no sign-ups; use the active region/);
    await expect(
      backupPool.send(
        new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: user.username }),
      ),
    ).rejects.toThrow(/User does not exist/);
  });
});
