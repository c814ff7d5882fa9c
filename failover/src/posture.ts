// Each pool's posture for its role, enforced by its triggers: a standby pool takes no sign-up from the public and
// sends nobody a message, so nobody can claim a username there or be told it exists until a failover opens it.
// The triggers read region roles, so opening the pool is a data change made by `cognito-dr failover`, not a deploy.
import { readReplicationMetadata } from '@cognito-dr/apply';
import { SOURCE_SUB_ATTRIBUTE } from '@cognito-dr/shared';
import type {
  CustomMessageTriggerEvent,
  PreAuthenticationTriggerEvent,
  PreSignUpTriggerEvent,
} from 'aws-lambda';

/** Thrown by a trigger to refuse: Cognito fails the call with UserLambdaValidationException and this message. */
export class StandbyPoolError extends Error {
  override readonly name = 'StandbyPoolError';
}

export interface PostureDeps {
  /** Whether this pool's region is the active one (region roles). */
  isActive: () => Promise<boolean>;
}

/**
 * CustomMessage: the active pool sends Cognito's messages unchanged; a standby pool refuses every one (forgot
 * password, resent codes, attribute verification), so the call that would send it fails and nothing is sent.
 */
export const onCustomMessage =
  ({ isActive }: PostureDeps) =>
  async (event: CustomMessageTriggerEvent): Promise<CustomMessageTriggerEvent> => {
    if (await isActive()) return event;
    throw new StandbyPoolError('this user pool is on standby and sends no messages; use the active region');
  };

export interface PreAuthenticationDeps extends PostureDeps {
  /**
   * Whether `clientId` is the pool's migration client (the backup pool's: admin sign-in only, which the primary's
   * UserMigration trigger uses to check a migrating user's password here). Absent for a pool without one.
   */
  isMigrationClient?: (userPoolId: string, clientId: string) => Promise<boolean>;
}

/**
 * PreAuthentication: only an active pool signs users in. A standby pool holds copies its users never set a
 * password in (or one set during a past failover, which must not work once failed back), and tokens it issued
 * would let them act on a pool nobody captures. The one exception is the migration client: after a failback the
 * primary checks a migrating user's password here, and that check must pass on a standby backup. Cognito runs this
 * trigger for a user it does not know too (the app clients hide whether users exist), and refuses them alike.
 */
export const onPreAuthentication =
  ({ isActive, isMigrationClient }: PreAuthenticationDeps) =>
  async (event: PreAuthenticationTriggerEvent): Promise<PreAuthenticationTriggerEvent> => {
    if (await isActive()) return event;
    const clientId = event.callerContext?.clientId ?? '';
    if (isMigrationClient && clientId && (await isMigrationClient(event.userPoolId, clientId))) return event;
    throw new StandbyPoolError('this user pool is on standby and signs nobody in; use the active region');
  };

/** A sign-up refused for what it carries, not for the pool's posture. */
export class SignUpRefusedError extends Error {
  override readonly name = 'SignUpRefusedError';
}

export interface PreSignUpDeps extends PostureDeps {
  /**
   * Whether `clientId` is the pool's replicator client (the backup pool's: new backup users are created with one
   * SignUp through it). Absent for a pool without one (the primary).
   */
  isReplicatorClient?: (userPoolId: string, clientId: string) => Promise<boolean>;
}

export type PreSignUpOutcome = 'replicated' | 'allowed' | 'refused';

/**
 * PreSignUp: the public may sign up only while the pool is active. The replicator client's sign-ups (new backup
 * users) are confirmed, and their contacts verified as the record has them, whatever the posture: which records to
 * apply is the consumer's decision, made before it signs anybody up. Sign-ups through the admin API
 * (AdminCreateUser) are the operators' own and always pass.
 */
export const onPreSignUp =
  (
    { isActive, isReplicatorClient }: PreSignUpDeps,
    report: (outcome: PreSignUpOutcome, reason?: string) => void = () => {},
  ) =>
  async (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> => {
    if (event.triggerSource === 'PreSignUp_AdminCreateUser') {
      report('allowed');
      return event;
    }
    const clientId = event.callerContext?.clientId ?? '';
    const attributes = event.request.userAttributes ?? {};
    if (isReplicatorClient && clientId && (await isReplicatorClient(event.userPoolId, clientId))) {
      // Trusted only from the replicator client, whose secret only the replica's functions can read.
      const signUp = readReplicationMetadata(event.request.clientMetadata);
      if ('broken' in signUp) {
        return refuse(
          report,
          new SignUpRefusedError(`replicator sign-up without its metadata: ${signUp.broken}`),
        );
      }
      event.response.autoConfirmUser = signUp.confirmed;
      event.response.autoVerifyEmail = signUp.confirmed && signUp.emailVerified && Boolean(attributes.email);
      event.response.autoVerifyPhone =
        signUp.confirmed && signUp.phoneNumberVerified && Boolean(attributes.phone_number);
      report('replicated');
      return event;
    }
    if (!(await isActive())) {
      return refuse(
        report,
        new StandbyPoolError('this user pool is on standby and takes no sign-ups; use the active region'),
      );
    }
    // The link to the home user is the replicator's to write (the app clients may not write it either).
    if (attributes[SOURCE_SUB_ATTRIBUTE] !== undefined) {
      return refuse(report, new SignUpRefusedError(`${SOURCE_SUB_ATTRIBUTE}: only replication may set it`));
    }
    report('allowed');
    return event;
  };

function refuse(report: (outcome: PreSignUpOutcome, reason?: string) => void, error: Error): never {
  report('refused', error.message);
  throw error;
}
