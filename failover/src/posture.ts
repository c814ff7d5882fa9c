// Each pool's posture for its role, enforced by its triggers: a standby pool takes no sign-up from the public and
// sends nobody a message, so nobody can claim a username there or be told it exists until a failover opens it.
// The triggers read region roles, so opening the pool is a data change made by `cognito-dr failover`, not a deploy.
import type { CustomMessageTriggerEvent, PreSignUpTriggerEvent } from 'aws-lambda';

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

/**
 * PreSignUp for a pool without a replicator client (the primary): the public may sign up only while the pool is
 * active. Sign-ups through the admin API (AdminCreateUser) are the operators' own and always pass.
 */
export const onPreSignUp =
  ({ isActive }: PostureDeps) =>
  async (event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> => {
    if (event.triggerSource === 'PreSignUp_AdminCreateUser' || (await isActive())) return event;
    throw new StandbyPoolError('this user pool is on standby and takes no sign-ups; use the active region');
  };
