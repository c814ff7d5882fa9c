// LOCAL ONLY: what Cognito's hosted UI does once an external identity provider has answered, for tests and tools
// driving the local stack: "provider P's user with subject S signs in, with these claims". There is no such
// Cognito operation; the local emulator serves it (fidelity/identity-providers.ts) through its regular endpoint,
// so it reaches a pool through the same gates as every other call.
import { LOCAL_FEDERATED_SIGN_IN } from './fidelity/identity-providers';

export interface FederatedSignIn {
  /** The app client the hosted UI serves (it must list the provider in SupportedIdentityProviders). */
  clientId: string;
  /** The identity provider's name in the pool. */
  providerName: string;
  /** The provider's id for the user (Google's `sub`, Facebook's `id`, a SAML NameID, ...). */
  subject: string;
  /** The claims the provider sends, mapped to the pool's attributes by the provider's AttributeMapping. */
  claims: Record<string, string>;
}

export interface FederatedSignInResult {
  /** The user signed in: the one linked to the subject, or `<provider>_<subject>`. */
  Username: string;
  AuthenticationResult: { AccessToken: string; IdToken: string; RefreshToken: string };
  UserAttributes: Record<string, string>;
}

/** Signs a provider's user in through the Cognito endpoint `cognitoEndpoint` (an emulator's, or a stack's). */
export async function federatedSignIn(
  cognitoEndpoint: string,
  signIn: FederatedSignIn,
): Promise<FederatedSignInResult> {
  const response = await fetch(cognitoEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${LOCAL_FEDERATED_SIGN_IN}`,
    },
    body: JSON.stringify({
      ClientId: signIn.clientId,
      ProviderName: signIn.providerName,
      Subject: signIn.subject,
      Claims: signIn.claims,
    }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    const error = new Error(String(body.message ?? `federated sign-in failed (${response.status})`));
    error.name = String(body.__type ?? 'FederatedSignInError');
    throw error;
  }
  return body as unknown as FederatedSignInResult;
}
