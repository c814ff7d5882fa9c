// Actions on the local stack, described as what happens in the test.
import { AdminConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { TestUser } from './given';
import { primaryPool, stack } from './stack';

export const when = {
  /** Self-service sign-up through the app client, then an administrator confirms it (fires PostConfirmation). */
  theUserSignsUpAndIsConfirmed: async (user: TestUser): Promise<void> => {
    await primaryPool.send(
      new SignUpCommand({
        ClientId: stack.primary.clientId,
        Username: user.username,
        Password: user.password,
        UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    await primaryPool.send(
      new AdminConfirmSignUpCommand({ UserPoolId: stack.primary.userPoolId, Username: user.username }),
    );
  },
};
