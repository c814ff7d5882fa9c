// LOCAL ONLY: where cognito-local behaves unlike Cognito in ways this project depends on, the local emulator is
// given Cognito's behaviour here, one documented difference at a time, so tests prove what AWS would do. Each is
// proven against the real emulator by the test named after it (cognito-local-fidelity.test.ts and
// fidelity/*.test.ts):
//   1. A disabled user cannot sign in (NotAuthorizedException "User is disabled."); cognito-local lets them.
//   2. An app client writes only its WriteAttributes (the standard attributes when it names none), at sign-up and
//      with a user's own token; cognito-local writes anything.
//   3. A CustomMessage trigger that fails fails the call, so nothing is sent; cognito-local swallows the error and
//      sends its default message.
//   4. A user created by the UserMigration trigger keeps the username they signed in with and gets a sub of their
//      own; cognito-local names them after a `username` attribute (or a random id) and gives them no sub.
//   5. ForgotPassword for a user the pool lacks runs UserMigration (UserMigration_ForgotPassword) first;
//      cognito-local answers UserNotFoundException.
//   6. SignUp through an app client with a secret needs the right SECRET_HASH; cognito-local checks none.
//   7. SignUp in a pool that auto-verifies nothing (AutoVerifiedAttributes [], a standby pool) sends no code and
//      succeeds; cognito-local fails it ("User has no attribute matching desired auto verified attributes")
//      unless the list is absent altogether, so an empty list is shown to it as absent.
//   8. A trigger that cannot be invoked (or times out) fails the call with UnexpectedLambdaException; cognito-local
//      names it UnexpectedLambdaExceptionException, which no client knows.
//   9. Every call that takes a username also takes what Cognito accepts in its place: in a pool with username
//      attributes the user's email or phone number, in a pool with alias attributes a verified email or phone
//      number or the preferred_username, and the user's sub; in a case-insensitive pool (CaseSensitive false) the
//      username, email and preferred_username in any case. cognito-local takes the exact username, the sub, and in
//      an email pool any email, always case-sensitively.
//  10. In a pool whose users sign in with their email or phone number (UsernameAttributes), SignUp and
//      AdminCreateUser take that as the Username, check its format, set the attribute from it and name the user
//      after their sub; cognito-local does so for email only and does not check phone numbers at all.
//  11. Two users never share what names them: a username in another case (case-insensitive pools,
//      UsernameExistsException), the email or phone number of a username-attribute pool (UsernameExistsException at
//      creation, AliasExistsException on change, verified or not), a verified alias (AliasExistsException unless
//      AdminCreateUser's ForceAliasCreation, which takes it from its holder); and a username may not look like an
//      alias the pool has (InvalidParameterException). cognito-local checks only the exact username.
//  12. AdminCreateUser runs the PreSignUp trigger (triggerSource PreSignUp_AdminCreateUser), ignores its answers and
//      fails on its error; cognito-local runs no trigger.
//  13. AdminUpdateUserAttributes may mark an email or phone number verified (or not) without repeating it, as the
//      Developer Guide shows; cognito-local refuses ("Email is required to verify/un-verify an email").
//  14. MFA (fidelity/mfa.ts): SetUserPoolMfaConfig sets every factor (SMS, TOTP, email OTP; one left out is off)
//      with Cognito's preconditions, GetUserPoolMfaConfig reports them; AdminSetUserMFAPreference exists, and both it
//      and SetUserMFAPreference refuse a factor the user cannot receive; sign-in asks for the preferred factor (the
//      SMS or email code goes to the mailbox, a right SMS code verifies the phone number), lets a user with several
//      and no preference choose, and in a pool that requires MFA challenges a user with no factor on their phone or
//      email or, failing that, makes them enrol a TOTP app (MFA_SETUP, AssociateSoftwareToken and
//      VerifySoftwareToken by Session); AdminInitiateAuth does the same and AdminRespondToAuthChallenge exists.
//      cognito-local keeps no email OTP and no per-factor enabling, challenges only legacy SMS users, refuses
//      MFA_SETUP and has no AdminSetUserMFAPreference nor AdminRespondToAuthChallenge.
//  15. Identity providers (fidelity/identity-providers.ts): Create/Describe/List/Update/DeleteIdentityProvider and
//      GetIdentityProviderByIdentifier with Cognito's validation and the details it adds and hides per type;
//      AdminLinkProviderForUser and AdminDisableProviderForUser with Cognito's rules, reported in the `identities`
//      attribute; EXTERNAL_PROVIDER users made by LocalOnlyFederatedSignIn, the LOCAL-ONLY stand-in for what the
//      hosted UI does after a provider answers (federated-sign-in.ts). cognito-local has none of these.
//  16. A pool's configuration (fidelity/pool-configuration.ts): DescribeUserPool reports every setting with its
//      default, the user count and the domain; UpdateUserPool returns every setting a call leaves out to its default
//      (cognito-local blanks them); AddCustomAttributes and groups are validated (GroupExistsException, role ARNs;
//      cognito-local overwrites a group, and fails internally on a pool that never had one); app clients get every
//      field with its default and Cognito's checks (redirect URIs, OAuth flows and scopes, providers, attributes,
//      token validity, a secret of the caller's own), and UpdateUserPoolClient resets what it leaves out
//      (cognito-local keeps it); a pool keeps the DeletionProtection and UserPoolTier it is created with
//      (cognito-local drops both); resource servers and user pool domains exist (cognito-local has neither).
//      `cognito-dr mirror` round-trips a production-like pool through all of it (fidelity/mirror-round-trip.test.ts).
//  17. A password sign-in (InitiateAuth, AdminInitiateAuth) runs the PreAuthentication trigger first, and fails with
//      UserLambdaValidationException when it fails; for a user the pool lacks only through a client that hides
//      whether users exist. cognito-local runs no PreAuthentication.

import { appClientRules } from './fidelity/app-clients';
import type { CognitoLocalErrors, CognitoLocalServices, Router, Wrapper } from './fidelity/cognito-local';
import { identityProviders } from './fidelity/identity-providers';
import { multiFactorAuth } from './fidelity/mfa';
import { poolConfiguration } from './fidelity/pool-configuration';
import { signInIdentifiers } from './fidelity/sign-in-identifiers';
import { cognitoTriggers, preAuthentication, withCognitoErrorNames } from './fidelity/triggers';

export type { CognitoLocalErrors, CognitoLocalServices, Router } from './fidelity/cognito-local';

/** Applies the differences above to a composed cognito-local; returns the router to serve. */
export function cognitoFidelity(
  services: CognitoLocalServices,
  router: Router,
  errors: CognitoLocalErrors,
): Router {
  // Outermost first: a client's rights are checked on what it sent, before usernames are resolved and new users
  // named, and triggers see the user as it will be created.
  // The lookup is installed on the pools first, so every view of a pool made later inherits it.
  const identifiers = signInIdentifiers(services.cognito, errors);
  const layers: Record<string, Wrapper>[] = [
    appClientRules(services, errors),
    identifiers,
    preAuthentication(services, errors),
    multiFactorAuth(services, errors),
    identityProviders(services, errors),
    poolConfiguration(services, errors),
    cognitoTriggers(services, errors),
  ];
  // Operations cognito-local lacks that behave as one it has, given their request.
  const sameAs: Record<string, string> = { AdminRespondToAuthChallenge: 'RespondToAuthChallenge' };
  return (name) => {
    let target = router(sameAs[name] ?? name);
    for (const layer of [...layers].reverse()) target = layer[name]?.(target) ?? target;
    return withCognitoErrorNames(target);
  };
}
