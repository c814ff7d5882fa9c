// Wiring of a composed trigger for a function of services/primary: ADOPTED_TRIGGER_ARN names the pool's own
// function in that slot (param adopted<Slot>); unset, the trigger is ours alone and costs nothing more.
import { envReader } from '@cognito-dr/shared';
import type { Context } from 'aws-lambda';
import { composeTrigger, type InvokeTheirs } from '../compose-trigger';
import type { TriggerSlot } from '../trigger-slots';

const theirArn = envReader().optional('ADOPTED_TRIGGER_ARN');

// The invoker (and the Lambda client, which the runtime provides) is loaded on the first call to theirs only, so a
// trigger without one of theirs never loads it at cold start.
let invoker: Promise<InvokeTheirs> | undefined;
const invokeTheirs: InvokeTheirs = async (functionArn, event, timeoutMs) => {
  invoker ??= import('../lambda-invoker').then(({ theirTriggerInvoker }) => theirTriggerInvoker());
  return (await invoker)(functionArn, event, timeoutMs);
};

export function composedTrigger<E>(
  slot: TriggerSlot,
  ours: (event: E, context?: Context) => Promise<E>,
  leavesToTheirs?: (error: unknown) => boolean,
): (event: E, context?: Context) => Promise<E> {
  return composeTrigger(slot, ours, theirArn, { invoke: invokeTheirs, leavesToTheirs });
}
