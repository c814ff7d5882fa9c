// A trigger of ours in a pool that had one of its own in the same slot: Cognito calls one function per slot, so ours
// calls theirs with the same event and answers what theirs answered, all within the 5 s Cognito waits for a trigger.
// Ours decides first where it may refuse (a standby pool's sign-up, message, sign-in or migration); the capture comes after
// theirs, so it records what their trigger did to the user.
import { TheirTriggerTimeoutError } from './their-trigger-errors';
import type { TriggerSlot } from './trigger-slots';

export { TheirTriggerError, TheirTriggerTimeoutError } from './their-trigger-errors';

/** Synchronous invocation of their function; resolves to its answer, rejects with its error or on the deadline. */
export type InvokeTheirs = (functionArn: string, event: unknown, timeoutMs: number) => Promise<unknown>;

/** What Lambda's context offers about the deadline (the function's timeout is Cognito's 5 s). */
export interface DeadlineContext {
  getRemainingTimeInMillis(): number;
}

/** Cognito waits 5 s for a trigger; without a context (tests, invoke local) that is the budget. */
export const COGNITO_TRIGGER_BUDGET_MS = 5_000;

/**
 * Time kept for our own work after theirs answers: the capture's reads and conditional write (PostConfirmation),
 * or only handing the answer back. Their trigger gets the rest of the budget.
 */
export const RESERVED_AFTER_THEIRS_MS: Record<TriggerSlot, number> = {
  PreSignUp: 100,
  CustomMessage: 100,
  PreAuthentication: 100,
  UserMigration: 100,
  PostAuthentication: 100,
  PostConfirmation: 1_500,
};

export interface ComposeOptions {
  invoke: InvokeTheirs;
  /** UserMigration: which refusals of ours leave the user to theirs (a user cognito-dr knows nothing of). */
  leavesToTheirs?: (error: unknown) => boolean;
  now?: () => number;
}

type Trigger<E, C extends DeadlineContext> = (event: E, context?: C) => Promise<E>;

/** Ours is given Lambda's context as it came, so its logger names the invocation. */
export function composeTrigger<E, C extends DeadlineContext = DeadlineContext>(
  slot: TriggerSlot,
  ours: Trigger<E, C>,
  theirArn: string | undefined,
  options: ComposeOptions,
): Trigger<E, C> {
  if (!theirArn) return ours;
  const now = options.now ?? Date.now;
  const callTheirs = async (event: E, deadline: number): Promise<E> => {
    const budget = deadline - now() - RESERVED_AFTER_THEIRS_MS[slot];
    if (budget <= 0) throw new TheirTriggerTimeoutError(`no time left for the pool's own ${slot} trigger`);
    return (await options.invoke(theirArn, event, budget)) as E;
  };
  return async (event, context) => {
    const deadline = now() + (context?.getRemainingTimeInMillis() ?? COGNITO_TRIGGER_BUDGET_MS);
    if (slot === 'PostConfirmation') {
      let answer: E | undefined;
      let failure: unknown;
      try {
        answer = await callTheirs(event, deadline);
      } catch (error) {
        failure = error;
      }
      // The user is confirmed whatever their trigger answered: capture them either way (ours never throws).
      await ours(event, context);
      if (failure !== undefined) throw failure;
      return answer as E;
    }
    if (slot === 'UserMigration') {
      try {
        return await ours(event, context);
      } catch (error) {
        if (!options.leavesToTheirs?.(error)) throw error;
      }
      return callTheirs(event, deadline);
    }
    return callTheirs(await ours(event, context), deadline);
  };
}
