// Public surface of @cognito-dr/adopt: protecting a pool cognito-dr did not create.
export {
  type Adopted,
  type AdoptedPoolDeps,
  type Adoption,
  AdoptionError,
  adoptPool,
  checkPoolRegion,
  releasePool,
} from './adopted-pool';
export {
  COGNITO_TRIGGER_BUDGET_MS,
  composeTrigger,
  type InvokeTheirs,
  RESERVED_AFTER_THEIRS_MS,
  TheirTriggerError,
  TheirTriggerTimeoutError,
} from './compose-trigger';
export { type PoolShape, poolShape } from './pool-shape';
export {
  planInstall,
  planRemoval,
  slotsOf,
  type TriggerAssignment,
  type TriggerConflict,
  type TriggerPlan,
} from './pool-triggers';
export { adoptedTriggerParam, TRIGGER_SLOTS, type TriggerArns, type TriggerSlot } from './trigger-slots';
