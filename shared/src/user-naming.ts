// How a user is named in each pool and in the replication table. A pool whose users sign in with their email or
// phone number (UsernameAttributes) does not take a username: Cognito generates one, equal to the user's sub, so one
// person has a different username in each pool. Such a user's record is keyed by their home sub, the same in every
// pool, and a pool user is found by the sign-in identifier the pool accepts wherever a username goes, checked by the
// link to the home sub; a pool whose users choose their username keys and finds them by that username.

/** The attributes a pool may name its users by (UsernameAttributes), in the order they are tried. */
export const SIGN_IN_ATTRIBUTES = ['email', 'phone_number'] as const;
export type SignInAttribute = (typeof SIGN_IN_ATTRIBUTES)[number];

/**
 * Whether the pool generated this username: it is then the user's own sub (Cognito: "This UUID has the same value
 * as the sub claim"). A chosen username can never equal a sub, which is only made when the user is.
 */
export function hasGeneratedUsername(username: string, attributes: Record<string, string>): boolean {
  return attributes.sub !== undefined && username === attributes.sub;
}

/**
 * The key of a pool user's record: the username, or, where the pool generated it, the user's home sub (the sub it
 * links to with `homeSub`, its own otherwise), which names the same person in every pool.
 */
export function recordKeyOf(username: string, attributes: Record<string, string>, homeSub: string): string {
  return hasGeneratedUsername(username, attributes) ? homeSub : username;
}

/** Whether a record is of a user whose pools generate usernames: its key is then its home sub. */
export function isNamedBySignIn(record: { username: string; sub: string }): boolean {
  return record.username === record.sub;
}

/** The sign-in identifiers among these attributes (a pool naming users by them takes any in place of a username). */
export function signInIdentifiers(attributes: Record<string, string>): string[] {
  return SIGN_IN_ATTRIBUTES.flatMap((name) => (attributes[name] ? [attributes[name]] : []));
}
