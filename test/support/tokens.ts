// Real tokens from the primary pool, obtained the way an operator's tool gets them: USER_PASSWORD_AUTH on the
// app client with the credentials .local/stack.json lists.
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { TestUser } from './given';
import { primaryPool, stack } from './stack';

export interface Tokens {
  idToken: string;
  accessToken: string;
}

export const signIn = async (username: string, password: string): Promise<Tokens> => {
  const { AuthenticationResult } = await primaryPool.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: stack.primary.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (!AuthenticationResult?.IdToken || !AuthenticationResult.AccessToken)
    throw new Error('sign-in gave no tokens');
  return { idToken: AuthenticationResult.IdToken, accessToken: AuthenticationResult.AccessToken };
};

export const adminTokens = (): Promise<Tokens> => signIn(stack.admin.username, stack.admin.password);
export const userTokens = (user: TestUser): Promise<Tokens> => signIn(user.username, user.password);
