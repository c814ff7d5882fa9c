// Users who signed up in the other region while it was active come back with their password: the primary pool
// never gets them pre-created; Cognito's UserMigration trigger creates each one the first time they sign in (their
// password is checked against the other region's pool) or ask for a password reset, from their record. Groups and
// the rest of the record follow on that first sign-in or reset (completeMigration), before anything is captured.
import {
  AdminInitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CaptureResult } from '@cognito-dr/capture';
import {
  isErrorNamed,
  recordKeyOf,
  SOURCE_SUB_ATTRIBUTE,
  type UserRecord,
  userRef,
} from '@cognito-dr/shared';
import type { UserMigrationTriggerEvent } from 'aws-lambda';

/** Thrown to refuse a migration: Cognito answers the sign-in or reset as it would for an unknown user. */
export class MigrationRefusedError extends Error {
  override readonly name = 'MigrationRefusedError';

  /** Why, for the log and for a pool's own UserMigration trigger behind ours (never shown to the caller). */
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

export interface MigrationLog {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface MigrationDeps {
  /** Whether this pool's region is active: a standby pool migrates nobody in. */
  isActive: () => Promise<boolean>;
  /** The user's record in this region's replica of the table. */
  readRecord: (username: string) => Promise<UserRecord | null>;
  /** Notes on the record that this pool is creating the user from it (noteMigrating), before the pool does. */
  noteMigrating: (record: UserRecord) => Promise<void>;
  /**
   * Whether the other region's pool accepts this username and password (an admin sign-in there, tokens
   * discarded); undefined when the other pool is not configured (first install, before the second deploy).
   */
  authenticateElsewhere?: (username: string, password: string) => Promise<boolean>;
  log: MigrationLog;
}

export const onUserMigration =
  (deps: MigrationDeps) =>
  async (event: UserMigrationTriggerEvent): Promise<UserMigrationTriggerEvent> => {
    const user = userRef(event.userName);
    const refuse = (reason: string): never => {
      deps.log.info('migration refused', { user, trigger: event.triggerSource, reason });
      throw new MigrationRefusedError('user cannot be migrated', reason);
    };
    if (!(await deps.isActive())) return refuse('standby-region');
    /**
     * A sign-in refused for what the record says is answered no sooner than one whose password was checked: the
     * time an answer takes must not tell which usernames await migration. The other pool is asked all the same.
     */
    const refuseAsLateAsAPasswordCheck = async (reason: string): Promise<never> => {
      if (event.triggerSource === 'UserMigration_Authentication' && deps.authenticateElsewhere) {
        await deps.authenticateElsewhere(event.userName, event.request.password).catch(() => false);
      }
      return refuse(reason);
    };
    const record = await deps.readRecord(event.userName);
    if (!record || record.deleted === true) return refuseAsLateAsAPasswordCheck('no-live-record');
    if (!record.enabled) return refuseAsLateAsAPasswordCheck('disabled');
    if (event.triggerSource === 'UserMigration_Authentication') {
      if (!deps.authenticateElsewhere) return refuse('other-pool-not-configured');
      if (!(await deps.authenticateElsewhere(event.userName, event.request.password))) {
        return refuse('password-refused');
      }
    }
    // Before the pool creates the user: from then on nothing but the completion replaces the record.
    await deps.noteMigrating(record);
    // The new user gets a sub of its own; the link to the home sub is how apps find the same person.
    event.response.userAttributes = { ...record.attributes, [SOURCE_SUB_ATTRIBUTE]: record.sub };
    // Signing in proved the password; a reset still has to prove the mailbox, with the code Cognito sends next.
    event.response.finalUserStatus =
      event.triggerSource === 'UserMigration_Authentication' ? 'CONFIRMED' : 'RESET_REQUIRED';
    event.response.messageAction = 'SUPPRESS';
    deps.log.info('user migrated', { user, trigger: event.triggerSource });
    return event;
  };

/**
 * An admin sign-in on the other region's pool through its migration client (ADMIN_USER_PASSWORD_AUTH only):
 * true when it issues tokens, false when it refuses the user or the password. Anything else (throttling, an
 * unreachable region) is thrown, so the sign-in fails and can be tried again rather than being refused for good.
 */
export function adminAuthenticator(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
): (username: string, password: string) => Promise<boolean> {
  return async (username, password) => {
    try {
      const { AuthenticationResult } = await cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: userPoolId,
          ClientId: clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
      // A challenge (MFA, a new password) is not proof enough: the user can reset their password instead.
      return AuthenticationResult !== undefined;
    } catch (error) {
      if (
        isErrorNamed(
          error,
          'NotAuthorizedException',
          'UserNotFoundException',
          'PasswordResetRequiredException',
          'UserNotConfirmedException',
        )
      ) {
        return false;
      }
      throw error;
    }
  };
}

/** The completion's own snapshot was not written: the record still waits for it. */
class MigrationIncompleteError extends Error {
  override readonly name = 'MigrationIncompleteError';

  constructor(result: string) {
    super(`the completed user was not recorded (${result})`);
  }
}

export interface CompletionDeps {
  region: string;
  isActive: () => Promise<boolean>;
  readRecord: (username: string) => Promise<UserRecord | null>;
  /** Converges this pool's user to the record, never creating or replacing it (@cognito-dr/apply convergeUser). */
  converge: (record: UserRecord) => Promise<unknown>;
  /**
   * Captures the user as this pool now has it, so the record is this region's from then on: the one snapshot
   * written while the record says the user is migrating into this pool (captureUser's completesMigration).
   */
  capture: (username: string) => Promise<CaptureResult>;
  log: MigrationLog;
}

export type CompletionOutcome = 'not-linked' | 'standby' | 'current' | 'completed' | 'failed';

/**
 * Brings a user created from another region's record (migrated, or restored) fully in line with that record —
 * groups and enabled state, which a migration cannot set — and claims the record for this region. Cheap when
 * there is nothing to do: users born here carry no link and cost nothing; linked users one table read.
 */
export const completeMigration =
  (deps: CompletionDeps) =>
  async (username: string, attributes: Record<string, string | undefined>): Promise<CompletionOutcome> => {
    const homeSub = attributes[SOURCE_SUB_ATTRIBUTE];
    if (!homeSub) return 'not-linked';
    try {
      if (!(await deps.isActive())) return 'standby';
      const known = Object.fromEntries(
        Object.entries(attributes).filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      // Where this pool generated the username, the record is keyed by the home sub (user-naming.ts).
      const record = await deps.readRecord(recordKeyOf(username, known, homeSub));
      if (!record || record.deleted === true || record.origin === deps.region) return 'current';
      await deps.converge(record);
      const { result } = await deps.capture(username);
      // Stale: another writer had a newer snapshot, which then completed nothing either; the next sign-in tries again.
      if (result === 'stale' || result === 'awaiting-migration') throw new MigrationIncompleteError(result);
      deps.log.info('migration completed', { user: userRef(username) });
      return 'completed';
    } catch (error) {
      // Never fails the sign-in: the next sign-in, or the reconciler, finishes the job.
      deps.log.warn('migration could not be completed', {
        user: userRef(username),
        error: error instanceof Error ? error.name : 'unknown',
      });
      return 'failed';
    }
  };
