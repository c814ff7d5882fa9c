// Reads a user from the pool being converged (the standby pool) and carries out one planned convergence operation on it.
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableProviderForUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminLinkProviderForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  DescribeUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  attributesOf,
  CONTACT_VERIFICATION_PAIRS,
  type ConvergeOperation,
  cognitoGroupFields,
  type GroupRecord,
  isErrorNamed,
  isNamedBySignIn,
  type LinkedIdentity,
  type MfaFactorSetting,
  mfaOfCognitoUser,
  type PoolUser,
  type RecordIdentity,
  readPoolUser,
  readRecordUser,
  SIGN_IN_ATTRIBUTES,
  type TargetUserState,
} from '@cognito-dr/shared';
import { type DeletionBreaker, DeletionHeldError } from './deletion-breaker';
import { type ReplicatorClient, replicationMetadata } from './replicator-client';

export interface TargetPool {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  /**
   * The table's record of a group: a group the pool lacks is then created as its record describes it, and one its
   * record says was deleted is not brought back for a member whose record still names it. Unset: created bare.
   */
  groupRecord?: (groupName: string) => Promise<GroupRecord | null>;
  /** Set: confirmed users are created with one SignUp through this client (see replicator-client.ts). */
  replicator?: ReplicatorClient;
}

/**
 * A pool operations are executed in. Every deletion of one of its users is put to its deletion breaker first; null
 * only where an operator has already decided (`cognito-dr deletes --release`) or no counted deletion can arise.
 */
export interface GuardedPool extends TargetPool {
  breaker: DeletionBreaker | null;
}

/**
 * The backup user as planConvergence needs it, or null when the backup pool has no such user. Read with its
 * groups at once: by the time a user is read here (a change, or a create that found the user) it exists.
 */
export async function readTargetUser(pool: TargetPool, username: string): Promise<TargetUserState | null> {
  const found = await readPoolUser(pool.cognito, pool.userPoolId, username, { concurrent: true });
  return found ? targetState(found) : null;
}

/** A pool user as the record's user: the pool's own username for it, and its state. */
export interface LocatedUser {
  username: string;
  state: TargetUserState;
}

/**
 * The pool user a record stands for (readRecordUser: by username, or by sign-in identifier and the link to the home
 * sub where the pool generates usernames), or null. `alsoKnownAs`: other sign-in identifiers it may still have here.
 */
export async function locateTargetUser(
  pool: TargetPool,
  record: RecordIdentity,
  alsoKnownAs: readonly string[] = [],
): Promise<LocatedUser | null> {
  const found = await readRecordUser(pool.cognito, pool.userPoolId, record, {
    concurrent: true,
    alsoKnownAs,
  });
  if (!found) return null;
  return { username: found.user.Username ?? record.username, state: targetState(found) };
}

/**
 * The username to create the record's user with: the record's own, or where the pool generates usernames, the
 * sign-in identifier it takes (Cognito names the user itself). Throws UnnamedUserError when the record has none.
 */
export async function creationName(pool: TargetPool, record: RecordIdentity): Promise<string> {
  if (!isNamedBySignIn(record)) {
    // A federated user's copy, where the pool takes no username but an email or phone number: named by that.
    const naming = record.identities ? await usernameAttributes(pool) : [];
    if (naming.length === 0) return record.username;
    const name = naming.find((attribute) => record.attributes[attribute]);
    if (!name) throw new UnnamedUserError(naming);
    return record.attributes[name] as string;
  }
  const present = SIGN_IN_ATTRIBUTES.filter((name) => record.attributes[name]);
  // With one identifier there is nothing to choose; with both, the pool's UsernameAttributes decide.
  const accepted = present.length > 1 ? await usernameAttributes(pool) : present;
  const name = present.find((attribute) => accepted.includes(attribute));
  if (!name) throw new UnnamedUserError(accepted);
  return record.attributes[name] as string;
}

/** The record names its user by sign-in identifier, but has none the pool takes as a username. */
export class UnnamedUserError extends Error {
  override readonly name = 'UnnamedUserError';

  constructor(accepted: readonly string[]) {
    super(
      `the record has no ${accepted.join(' or ') || 'sign-in attribute'} the pool takes as a username; ` +
        "compare the pools' UsernameAttributes (cognito-dr mirror reports a difference)",
    );
  }
}

/** The pools' UsernameAttributes, read once per client and pool: Cognito never changes them after creation. */
const namings = new WeakMap<object, Map<string, Promise<string[]>>>();

function usernameAttributes(pool: TargetPool): Promise<string[]> {
  let known = namings.get(pool.cognito);
  if (!known) {
    known = new Map();
    namings.set(pool.cognito, known);
  }
  let naming = known.get(pool.userPoolId);
  if (!naming) {
    naming = pool.cognito
      .send(new DescribeUserPoolCommand({ UserPoolId: pool.userPoolId }))
      .then(({ UserPool }) => UserPool?.UsernameAttributes ?? []);
    const forget = known;
    // Not kept when it failed: the next user asks again.
    naming.catch(() => forget.delete(pool.userPoolId));
    known.set(pool.userPoolId, naming);
  }
  return naming;
}

function targetState(found: PoolUser): TargetUserState {
  return {
    attributes: attributesOf(found.user),
    enabled: found.user.Enabled !== false,
    status: found.user.UserStatus ?? 'UNKNOWN',
    groups: found.groups,
    mfa: mfaOfCognitoUser(found.user) ?? { enabled: [] },
  };
}

/**
 * Executes one operation. Each is idempotent on its own: deleting a user that is already gone, or creating a
 * group that already exists, counts as done. Failures that mean "the backup user is not what the plan assumed"
 * (UsernameExistsException, UserNotFoundException) are left to the caller, which re-reads and re-plans.
 * Resolves to the new user's own sub for a createUser, when Cognito reports it. A deletion the breaker holds
 * throws DeletionHeldError, having changed nothing in the pool.
 */
export async function executeOperation(
  pool: GuardedPool,
  username: string,
  operation: ConvergeOperation,
  newPassword: () => string,
  /** The user's record key, which the deletion breaker holds deletions under, when it is not `username`. */
  recordKey: string = username,
): Promise<string | undefined> {
  const user = { UserPoolId: pool.userPoolId, Username: username };
  switch (operation.type) {
    case 'createUser': {
      if (operation.confirmed || operation.unconfirmed) {
        return signUp(pool, username, operation.attributes, newPassword, operation.confirmed === true);
      }
      // SUPPRESS: the backup pool must never send an invitation; users do not know it exists until failover.
      const { User } = await pool.cognito.send(
        new AdminCreateUserCommand({
          ...user,
          MessageAction: 'SUPPRESS',
          UserAttributes: toAttributeList(operation.attributes),
        }),
      );
      return User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    }
    case 'confirmSignUp':
      await pool.cognito.send(new AdminConfirmSignUpCommand(user));
      return;
    case 'setPermanentPassword':
      await pool.cognito.send(
        new AdminSetUserPasswordCommand({ ...user, Password: newPassword(), Permanent: true }),
      );
      return;
    case 'updateAttributes':
      await pool.cognito.send(
        new AdminUpdateUserAttributesCommand({
          ...user,
          UserAttributes: toAttributeList(operation.attributes),
        }),
      );
      return;
    case 'deleteAttributes':
      await pool.cognito.send(
        new AdminDeleteUserAttributesCommand({ ...user, UserAttributeNames: operation.names }),
      );
      return;
    case 'setMfaPreference': {
      const { SMS_MFA: sms, EMAIL_OTP: email } = operation.settings;
      await pool.cognito.send(
        new AdminSetUserMFAPreferenceCommand({
          ...user,
          ...(sms ? { SMSMfaSettings: mfaSetting(sms) } : {}),
          ...(email ? { EmailMfaSettings: mfaSetting(email) } : {}),
        }),
      );
      return;
    }
    case 'linkProvider':
      await linkProvider(pool, username, operation.identity);
      return;
    case 'unlinkProvider':
      try {
        await pool.cognito.send(
          new AdminDisableProviderForUserCommand({
            UserPoolId: pool.userPoolId,
            User: sourceUser(operation.identity),
          }),
        );
      } catch (error) {
        // Nobody of this pool is linked to it any more: the goal is met.
        if (!isErrorNamed(error, 'UserNotFoundException')) throw error;
      }
      return;
    case 'enable':
      await pool.cognito.send(new AdminEnableUserCommand(user));
      return;
    case 'disable':
      await pool.cognito.send(new AdminDisableUserCommand(user));
      return;
    case 'ensureGroup':
      // Ensured on first use by addToGroup instead: checking every time would cost a call per group, and an
      // unconditional CreateGroup would, on cognito-local, overwrite the group and drop its members.
      return;
    case 'addToGroup':
      await addToGroup(pool, username, operation.group);
      return;
    case 'removeFromGroup':
      try {
        await pool.cognito.send(new AdminRemoveUserFromGroupCommand({ ...user, GroupName: operation.group }));
      } catch (error) {
        // The group is gone, so the user is not in it: the goal is met.
        if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
      }
      return;
    case 'deleteUser':
      // A replacement re-creates the user at once, so it takes nobody out of the pool: never counted, never held
      // (holding it would leave another person's account answering to the username).
      if (!operation.replacing && pool.breaker && !(await pool.breaker.admit(recordKey, operation.version))) {
        throw new DeletionHeldError();
      }
      try {
        await pool.cognito.send(new AdminDeleteUserCommand(user));
      } catch (error) {
        if (!isErrorNamed(error, 'UserNotFoundException')) throw error;
      }
      return;
  }
}

/** A provider's user as Cognito's link calls name it: by the provider's id for them (for SAML too, the NameID). */
const sourceUser = ({ providerName, userId }: LinkedIdentity) => ({
  ProviderName: providerName,
  ProviderAttributeName: 'Cognito_Subject',
  ProviderAttributeValue: userId,
});

async function linkProvider(pool: TargetPool, username: string, identity: LinkedIdentity): Promise<void> {
  try {
    await pool.cognito.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: pool.userPoolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: username },
        SourceUser: sourceUser(identity),
      }),
    );
  } catch (error) {
    if (isErrorNamed(error, 'ResourceNotFoundException'))
      throw new IdentityProviderMissingError(identity.providerName);
    throw error;
  }
}

/** The pool lacks an identity provider a record's user is linked to: a configuration to fix, not a bad record. */
export class IdentityProviderMissingError extends Error {
  override readonly name = 'IdentityProviderMissingError';

  constructor(providerName: string) {
    // A provider's name is configuration, not personal data.
    super(
      `the pool has no identity provider ${providerName} to link the user to; bring the pools' identity providers ` +
        'in line with `cognito-dr mirror`, then the held records apply',
    );
  }
}

/**
 * SignUp through the replicator client. The verification flags cannot be written by a sign-up: they go to the
 * PreSignUp trigger in ClientMetadata, which confirms the user and verifies the contacts the record has verified.
 */
async function signUp(
  pool: TargetPool,
  username: string,
  attributes: Record<string, string>,
  newPassword: () => string,
  confirmed: boolean,
): Promise<string | undefined> {
  const replicator = pool.replicator;
  if (!replicator) throw new Error('a confirmed create needs the replicator client');
  const flags = new Set(CONTACT_VERIFICATION_PAIRS.map(([, flag]) => flag));
  const written = Object.fromEntries(Object.entries(attributes).filter(([name]) => !flags.has(name)));
  try {
    const { UserSub } = await pool.cognito.send(
      new SignUpCommand({
        ClientId: replicator.clientId,
        SecretHash: await replicator.secretHash(username),
        Username: username,
        Password: newPassword(),
        UserAttributes: toAttributeList(written),
        ClientMetadata: replicationMetadata({
          emailVerified: confirmed && attributes.email_verified === 'true',
          phoneNumberVerified: confirmed && attributes.phone_number_verified === 'true',
          confirmed,
        }),
      }),
    );
    return UserSub;
  } catch (error) {
    // A secret Cognito no longer accepts (client replaced, secret rotated): read it again next time.
    if (isErrorNamed(error, 'NotAuthorizedException')) replicator.forget();
    throw error;
  }
}

async function addToGroup(pool: TargetPool, username: string, group: string): Promise<void> {
  const add = () =>
    pool.cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: username, GroupName: group }),
    );
  for (const recreate of [false, true]) {
    try {
      await add();
      return;
    } catch (error) {
      if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
    }
    const record = (await pool.groupRecord?.(group)) ?? undefined;
    // Deleted in the active pool after the member's record was written: the next reconcile drops it from the record.
    if (record?.deleted === true) return;
    // The second time round the group we created earlier has been deleted since: create it again.
    await createGroupOnce(pool, group, recreate, record);
  }
  await add();
}

/** Group creations of this process, per pool client and pool, so parallel users share one CreateGroup call. */
const groupCreations = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Creates a group the backup pool lacks when a replicated user joins it before its own record arrived: as its record
 * describes it when there is one, bare otherwise (its record updates it when it comes). Parallel users joining the
 * same new group share one call.
 */
function createGroupOnce(
  pool: TargetPool,
  group: string,
  recreate: boolean,
  record: GroupRecord | undefined,
): Promise<void> {
  let creations = groupCreations.get(pool.cognito);
  if (!creations) {
    creations = new Map();
    groupCreations.set(pool.cognito, creations);
  }
  const key = `${pool.userPoolId}/${group}`;
  const known = creations.get(key);
  if (known && !recreate) return known;
  const creation = pool.cognito
    .send(
      new CreateGroupCommand({
        UserPoolId: pool.userPoolId,
        GroupName: group,
        ...(record ? cognitoGroupFields(record) : {}),
      }),
    )
    .then(
      () => undefined,
      (error: unknown) => {
        // Someone else created it first: just as good.
        if (isErrorNamed(error, 'GroupExistsException')) return;
        creations.delete(key);
        throw error;
      },
    );
  creations.set(key, creation);
  return creation;
}

const mfaSetting = ({ enabled, preferred }: MfaFactorSetting) => ({
  Enabled: enabled,
  PreferredMfa: preferred,
});

function toAttributeList(attributes: Record<string, string>): AttributeType[] {
  return Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
}
