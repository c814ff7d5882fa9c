// LOCAL ONLY: how Cognito names users. Which value a call may use for a user (the username, an email or phone
// number that is the pool's username attribute, a verified alias, the sub), how case counts, what username a new
// user gets in a pool whose users sign in with their email or phone number, and which values two users may not
// share. Rules from the Cognito Developer Guide, "Customizing sign-in attributes", and the API reference's
// UsernameConfigurationType.
import { randomUUID } from 'node:crypto';
import {
  type Attribute,
  attributeValue,
  type CognitoLocalErrors,
  type Ctx,
  cognitoError,
  type DataStore,
  type LocalUser,
  type PoolOptions,
  type Request,
  tokenClaim,
  type UserPool,
  type Wrapper,
} from './cognito-local';

// Cognito checks formats loosely; these tell an email from a phone number (E.164) from anything else.
export const EMAIL_FORMAT = /^[^@\s]+@[^@\s]+$/;
export const PHONE_FORMAT = /^\+[0-9]{4,15}$/;

type SignInAttribute = 'email' | 'phone_number' | 'preferred_username';

export interface SignInRules {
  /** CreateUserPool without UsernameConfiguration makes a case-sensitive pool. */
  caseSensitive: boolean;
  /** Users sign up and in with these instead of a username; the username is generated (the sub). */
  usernameAttributes: SignInAttribute[];
  /** Users have a username and may also sign in with these (email and phone only once verified). */
  aliasAttributes: SignInAttribute[];
}

export const signInRules = (options: PoolOptions): SignInRules => ({
  caseSensitive: options.UsernameConfiguration?.CaseSensitive !== false,
  usernameAttributes: (options.UsernameAttributes ?? []) as SignInAttribute[],
  aliasAttributes: (options.AliasAttributes ?? []) as SignInAttribute[],
});

/** Whether two values of `attribute` (or of the username) name the same thing in a pool with these rules. */
const sameValue = (rules: SignInRules, attribute: string, a: string, b: string) =>
  // Phone numbers have no case; everything else follows the pool's case setting.
  rules.caseSensitive || attribute === 'phone_number' ? a === b : a.toLowerCase() === b.toLowerCase();

const verified = (user: LocalUser, attribute: SignInAttribute) =>
  attribute === 'preferred_username' || attributeValue(user.Attributes, `${attribute}_verified`) === 'true';

/** What a username parameter may name in this pool, in the order Cognito resolves them. */
export const matches = (
  rules: SignInRules,
  user: LocalUser,
  input: string,
): 'username' | 'sign-in attribute' | 'sub' | undefined => {
  if (sameValue(rules, 'username', user.Username, input)) return 'username';
  for (const attribute of rules.usernameAttributes) {
    const value = attributeValue(user.Attributes, attribute);
    if (value !== undefined && sameValue(rules, attribute, value, input)) return 'sign-in attribute';
  }
  for (const attribute of rules.aliasAttributes) {
    const value = attributeValue(user.Attributes, attribute);
    if (value !== undefined && verified(user, attribute) && sameValue(rules, attribute, value, input))
      return 'sign-in attribute';
  }
  if (attributeValue(user.Attributes, 'sub') === input) return 'sub';
  return undefined;
};

const allUsers = async (ctx: Ctx, store: DataStore) =>
  Object.values((await store.get<Record<string, LocalUser>>(ctx, 'Users', {})) ?? {});

/** Marks a call that creates a user: only a username (in any case the pool ignores) names a user then. */
const CREATING = Symbol('creating a user');
const creating = (ctx: Ctx): Ctx => ({ ...ctx, [CREATING]: true });
const isCreating = (ctx: Ctx) => (ctx as Record<symbol, unknown>)[CREATING] === true;

/**
 * Finds the user a username parameter names: the username itself, else the user whose username attribute or
 * verified alias it is, else the user whose sub it is. One pass over the pool when the exact key misses.
 */
export const findUser = async (ctx: Ctx, pool: UserPool, input: string): Promise<LocalUser | null> => {
  const exact = await pool.dataStore.get<LocalUser>(ctx, ['Users', input]);
  if (exact) return exact;
  const rules = signInRules(pool.options);
  const byName = isCreating(ctx) ? { ...rules, usernameAttributes: [], aliasAttributes: [] } : rules;
  let found: { user: LocalUser; rank: number } | undefined;
  const rank = { username: 0, 'sign-in attribute': 1, sub: 2 } as const;
  for (const user of await allUsers(ctx, pool.dataStore)) {
    const match = matches(byName, user, input);
    if (match === undefined || (isCreating(ctx) && match === 'sub')) continue;
    if (!found || rank[match] < found.rank) found = { user, rank: rank[match] };
    if (found.rank === 0) break;
  }
  return found?.user ?? null;
};

/** The other users of the pool that hold `value` as `attribute` in a way that stops another user from holding it. */
const holders = async (
  ctx: Ctx,
  pool: UserPool,
  attribute: SignInAttribute,
  value: string,
  except: string | undefined,
  onlyVerified: boolean,
) => {
  const rules = signInRules(pool.options);
  return (await allUsers(ctx, pool.dataStore)).filter((user) => {
    if (user.Username === except) return false;
    const held = attributeValue(user.Attributes, attribute);
    if (held === undefined || !sameValue(rules, attribute, held, value)) return false;
    return !onlyVerified || verified(user, attribute);
  });
};

const taken = (errors: CognitoLocalErrors, name: string, attribute: string) =>
  cognitoError(errors, name, `An account with the given ${attribute} already exists.`);

/** The attributes as they will be after `changes` (cognito-local marks a changed email or phone unverified). */
const after = (attributes: Attribute[], changes: Attribute[]): Attribute[] => {
  const result = new Map(attributes.map((a) => [a.Name, a.Value]));
  for (const { Name, Value } of changes) {
    if (Value) result.set(Name, Value);
    else result.delete(Name);
    const flag = `${Name}_verified`;
    if ((Name === 'email' || Name === 'phone_number') && !changes.some((c) => c.Name === flag))
      result.set(flag, 'false');
  }
  return [...result].map(([Name, Value]) => ({ Name, Value }));
};

/**
 * The verified aliases `attributes` would take from other users (alias pools): each is an AliasExistsException,
 * unless `force` (ForceAliasCreation), when they are returned to be taken away from their holders.
 */
const aliasConflicts = async (
  ctx: Ctx,
  pool: UserPool,
  attributes: Attribute[],
  self: string | undefined,
): Promise<{ attribute: SignInAttribute; holders: LocalUser[] }[]> => {
  const rules = signInRules(pool.options);
  const conflicts = [];
  for (const attribute of rules.aliasAttributes) {
    const value = attributeValue(attributes, attribute);
    if (value === undefined) continue;
    if (attribute !== 'preferred_username' && attributeValue(attributes, `${attribute}_verified`) !== 'true')
      continue;
    const others = await holders(ctx, pool, attribute, value, self, true);
    if (others.length > 0) conflicts.push({ attribute, holders: others });
  }
  return conflicts;
};

/** The previous holders of a verified alias lose it: it stays on them, unverified (ForceAliasCreation). */
const takeAliases = async (
  ctx: Ctx,
  pool: UserPool,
  conflicts: { attribute: SignInAttribute; holders: LocalUser[] }[],
) => {
  for (const { attribute, holders: previous } of conflicts) {
    for (const user of previous) {
      const Attributes = user.Attributes.map((a) =>
        a.Name === `${attribute}_verified` ? { Name: a.Name, Value: 'false' } : a,
      );
      await pool.saveUser(ctx, { ...user, Attributes });
    }
  }
};

/** A new user's username and attributes by the pool's rules, or the Cognito error that refuses them. */
const newUser = async (
  ctx: Ctx,
  pool: UserPool,
  errors: CognitoLocalErrors,
  req: Request,
): Promise<{ username: string; sub: string; attributes: Attribute[] }> => {
  const rules = signInRules(pool.options);
  const requested = String(req.Username ?? '');
  const given = ((req.UserAttributes as Attribute[] | undefined) ?? []).filter((a) => a.Name !== 'sub');
  const sub = randomUUID();
  if (rules.usernameAttributes.length === 0) {
    if (rules.aliasAttributes.includes('email') && EMAIL_FORMAT.test(requested)) {
      throw new errors.InvalidParameterError(
        'Username cannot be of email format, since user pool is configured for email alias.',
      );
    }
    if (rules.aliasAttributes.includes('phone_number') && PHONE_FORMAT.test(requested)) {
      throw new errors.InvalidParameterError(
        'Username cannot be of phone number format, since user pool is configured for phone number alias.',
      );
    }
    if (await findUser(creating(ctx), pool, requested)) throw new errors.UsernameExistsError();
    return { username: requested, sub, attributes: given };
  }
  const email = rules.usernameAttributes.includes('email') && EMAIL_FORMAT.test(requested);
  const phone = rules.usernameAttributes.includes('phone_number') && PHONE_FORMAT.test(requested);
  if (!email && !phone) {
    throw new errors.InvalidParameterError(
      rules.usernameAttributes.length > 1
        ? 'Username should be either an email or a phone number.'
        : rules.usernameAttributes[0] === 'email'
          ? 'Username should be an email.'
          : 'Username should be a phone number.',
    );
  }
  const attribute = email ? 'email' : 'phone_number';
  const attributes = given.some((a) => a.Name === attribute)
    ? given
    : [...given, { Name: attribute, Value: requested }];
  // Unique whether verified or not: the value is the user's name in this pool.
  for (const name of rules.usernameAttributes) {
    const value = attributeValue(attributes, name);
    if (value !== undefined && (await holders(ctx, pool, name, value, undefined, false)).length > 0)
      throw taken(errors, 'UsernameExistsException', name);
  }
  // The generated username is the user's sub (Developer Guide: "This UUID has the same value as the sub claim").
  return { username: sub, sub, attributes };
};

/** Attribute changes of `user` a pool refuses because another user holds the value. */
const assertChangesFree = async (
  ctx: Ctx,
  pool: UserPool,
  errors: CognitoLocalErrors,
  user: LocalUser,
  changes: Attribute[],
) => {
  const rules = signInRules(pool.options);
  for (const name of rules.usernameAttributes) {
    const value = attributeValue(changes, name);
    if (value && (await holders(ctx, pool, name, value, user.Username, false)).length > 0)
      throw taken(errors, 'AliasExistsException', name);
  }
  const conflicts = await aliasConflicts(ctx, pool, after(user.Attributes, changes), user.Username);
  const conflict = conflicts.find(({ attribute }) => changes.some((c) => c.Name.startsWith(attribute)));
  if (conflict) throw taken(errors, 'AliasExistsException', conflict.attribute);
};

/**
 * An administrator may mark a user's email or phone number verified (or not) on its own; cognito-local insists on
 * the value beside the flag, so the user's current value is sent along.
 */
const withContactsOfFlags = (user: LocalUser, changes: Attribute[]): Attribute[] => {
  const added: Attribute[] = [];
  for (const contact of ['email', 'phone_number']) {
    if (!changes.some((c) => c.Name === `${contact}_verified`) || changes.some((c) => c.Name === contact))
      continue;
    const current = attributeValue(user.Attributes, contact);
    if (current !== undefined) added.push({ Name: contact, Value: current });
  }
  return [...changes, ...added];
};

/**
 * Installs the lookup on every pool cognito-local hands out, and returns the wrappers of the calls that create
 * or change users.
 */
export function signInIdentifiers(
  cognito: {
    getUserPool(ctx: Ctx, userPoolId: string): Promise<UserPool>;
    getUserPoolForClientId(ctx: Ctx, clientId: string): Promise<UserPool>;
  },
  errors: CognitoLocalErrors,
): Record<string, Wrapper> {
  const patched = new WeakSet<UserPool>();
  /** cognito-local's own handling of username attributes (email only, no uniqueness) is kept out of creates. */
  const asSeenBy = (ctx: Ctx, pool: UserPool): UserPool => {
    if (!patched.has(pool)) {
      pool.getUserByUsername = (lookupCtx, username) => findUser(lookupCtx, pool, username);
      patched.add(pool);
    }
    if (!isCreating(ctx) || !pool.options.UsernameAttributes?.length) return pool;
    const { UsernameAttributes: _decidedHere, ...options } = pool.options;
    return Object.create(pool, { options: { value: options } }) as UserPool;
  };
  const byId = cognito.getUserPool.bind(cognito);
  cognito.getUserPool = async (ctx, userPoolId) => asSeenBy(ctx, await byId(ctx, userPoolId));
  const byClient = cognito.getUserPoolForClientId.bind(cognito);
  cognito.getUserPoolForClientId = async (ctx, clientId) => asSeenBy(ctx, await byClient(ctx, clientId));

  const create =
    (poolOf: (ctx: Ctx, req: Request) => Promise<UserPool>, force: (req: Request) => boolean): Wrapper =>
    (target) =>
    async (ctx, req) => {
      const pool = await poolOf(ctx, req);
      const { username, sub, attributes } = await newUser(ctx, pool, errors, req);
      const withSub = [{ Name: 'sub', Value: sub }, ...attributes];
      const conflicts = await aliasConflicts(ctx, pool, withSub, undefined);
      if (conflicts.length > 0 && !force(req))
        throw taken(errors, 'AliasExistsException', conflicts[0]?.attribute ?? '');
      const result = (await target(creating(ctx), {
        ...req,
        Username: username,
        UserAttributes: withSub,
      })) as Record<string, unknown>;
      await takeAliases(ctx, pool, conflicts);
      // cognito-local answers with a sub of its own making even when the attributes carry one.
      return 'UserSub' in result ? { ...result, UserSub: sub } : result;
    };

  return {
    SignUp: create(
      (ctx, req) => cognito.getUserPoolForClientId(ctx, String(req.ClientId)),
      () => false,
    ),
    AdminCreateUser: create(
      (ctx, req) => cognito.getUserPool(ctx, String(req.UserPoolId)),
      (req) => req.ForceAliasCreation === true,
    ),
    AdminUpdateUserAttributes: (target) => async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
      const user = await pool.getUserByUsername(ctx, String(req.Username));
      if (!user) return target(ctx, req);
      const changes = withContactsOfFlags(user, (req.UserAttributes as Attribute[] | undefined) ?? []);
      await assertChangesFree(ctx, pool, errors, user, changes);
      return target(ctx, { ...req, UserAttributes: changes });
    },
    // cognito-local looks the user up, then lists the groups whose members include the name as given.
    AdminListGroupsForUser: (target) => async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
      const user = await pool.getUserByUsername(ctx, String(req.Username));
      return target(ctx, user ? { ...req, Username: user.Username } : req);
    },
    UpdateUserAttributes: (target) => async (ctx, req) => {
      const sub = tokenClaim(req.AccessToken, 'sub');
      const clientId = tokenClaim(req.AccessToken, 'client_id');
      if (sub && clientId) {
        const pool = await cognito.getUserPoolForClientId(ctx, clientId);
        const user = await pool.getUserByUsername(ctx, sub);
        if (user) await assertChangesFree(ctx, pool, errors, user, (req.UserAttributes as Attribute[]) ?? []);
      }
      return target(ctx, req);
    },
  };
}
