// Which functions a pool's trigger slots name once cognito-dr's are installed, or removed again: a slot that held
// the pool's own trigger gets ours (which calls theirs), and removing ours puts theirs back exactly. A slot holding
// something nobody declared is never overwritten: that is a conflict, and nothing is changed.
import type { LambdaConfigType } from '@aws-sdk/client-cognito-identity-provider';
import { adoptedTriggerParam, TRIGGER_SLOTS, type TriggerArns, type TriggerSlot } from './trigger-slots';

export interface TriggerAssignment {
  /** cognito-dr's functions, by slot; empty when none are to be installed. */
  ours: TriggerArns;
  /** The pool's own functions that ours call, as the operator declared them (params adopted<Slot>). */
  theirs: TriggerArns;
}

export interface TriggerConflict {
  slot: TriggerSlot;
  found: string | undefined;
  declared: string | undefined;
  todo: string;
}

export interface TriggerPlan {
  before: LambdaConfigType;
  after: LambdaConfigType;
  changed: boolean;
  conflicts: TriggerConflict[];
}

/** The trigger slots of a LambdaConfig, as a plain map (only the five cognito-dr uses). */
export const slotsOf = (config: LambdaConfigType | undefined): TriggerArns =>
  Object.fromEntries(TRIGGER_SLOTS.filter((slot) => config?.[slot]).map((slot) => [slot, config?.[slot]]));

function withSlot(config: LambdaConfigType, slot: TriggerSlot, arn: string | undefined): LambdaConfigType {
  const next = { ...config };
  if (arn) next[slot] = arn;
  else delete next[slot];
  return next;
}

const finish = (
  before: LambdaConfigType,
  after: LambdaConfigType,
  conflicts: TriggerConflict[],
): TriggerPlan => ({
  before,
  after,
  conflicts,
  changed: conflicts.length === 0 && TRIGGER_SLOTS.some((slot) => before[slot] !== after[slot]),
});

/**
 * Ours in every slot we have a function for. `previous` is what an earlier deploy installed (a slot ours no longer
 * takes gets theirs back). A slot holding neither ours nor the declared one of theirs is a conflict.
 */
export function planInstall(
  current: LambdaConfigType | undefined,
  assignment: TriggerAssignment,
  previous?: TriggerAssignment,
): TriggerPlan {
  const before = { ...(current ?? {}) };
  let after = { ...before };
  const conflicts: TriggerConflict[] = [];
  for (const slot of TRIGGER_SLOTS) {
    const found = before[slot];
    const ours = assignment.ours[slot];
    const theirs = assignment.theirs[slot];
    const oursBefore = previous?.ours[slot];
    if (!ours) {
      // Not ours to hold (any more): a slot still holding what we installed gets theirs back.
      if (found && found === oursBefore) after = withSlot(after, slot, theirs);
      continue;
    }
    if (found === ours) continue;
    if (found === theirs || (found !== undefined && found === oursBefore)) {
      after = withSlot(after, slot, ours);
      continue;
    }
    const param = adoptedTriggerParam(slot);
    conflicts.push({
      slot,
      found,
      declared: theirs,
      todo: found
        ? `the pool's ${slot} trigger is ${found}, which param ${param} does not name: set ${param}: ${found} ` +
          "(cognito-dr's trigger then calls it) and deploy again"
        : `param ${param} names ${theirs}, but the pool has no ${slot} trigger: clear ${param} and deploy again`,
    });
  }
  return conflicts.length > 0 ? finish(before, before, conflicts) : finish(before, after, []);
}

/** Theirs back in every slot that holds ours; a slot someone changed since is left as it is. */
export function planRemoval(
  current: LambdaConfigType | undefined,
  assignment: TriggerAssignment,
): TriggerPlan {
  const before = { ...(current ?? {}) };
  let after = { ...before };
  for (const slot of TRIGGER_SLOTS) {
    const ours = assignment.ours[slot];
    if (ours && before[slot] === ours) after = withSlot(after, slot, assignment.theirs[slot]);
  }
  return finish(before, after, []);
}
