// Public surface of @cognito-dr/apply: what turns a changed user or group record into the standby pool's user or group.
export { convergeGroup, type GroupDeletionGate, planGroup } from './apply-group';
export {
  type ApplyDeps,
  type ApplyOutcome,
  type ApplyResult,
  applyRecordChange,
  type ConvergeDeps,
  type ConvergeOptions,
  convergeUser,
  MissingImageError,
  type RecordChange,
  reapplyUser,
} from './apply-record';
export { CALL_MARGIN_MS, governedCognitoClient, REQUEST_TIMEOUT_MS } from './call-governor';
export { createLimiter, type Limiter } from './concurrency';
export {
  type DeadLetterEntry,
  type DeadLetterSink,
  DeadLetterUnavailableError,
  fileDeadLetterSink,
  noDeadLetterSink,
  sqsDeadLetterSink,
} from './dead-letter';
export { fileDeadLetterSource, sqsDeadLetterSource } from './dead-letter-source';
export {
  type BreakerSettings,
  breakerSettingsFromEnv,
  DEFAULT_BREAKER_SETTINGS,
  type DeletionBreaker,
  DeletionHeldError,
  deletionBreaker,
  type HeldDeletion,
} from './deletion-breaker';
export { ConvergenceConflictError, classifyError, type FailureKind } from './errors';
export { type DeletionHold, listHolds } from './held-deletions';
export { randomPassword } from './password';
export {
  type BatchLogger,
  type BatchMetrics,
  DEFAULT_CONCURRENCY,
  processStreamBatch,
  READ_CHUNK,
  type StreamBatchDeps,
} from './process-stream-batch';
export { type DeadLetterSource, redrive } from './redrive';
export { type ReplicatorClient, readReplicationMetadata, replicatorClient } from './replicator-client';
export {
  type HoldDecision,
  type HoldsRegion,
  type SettledHolds,
  settleHolds,
} from './settle-held-deletions';
export {
  creationName,
  executeOperation,
  type GuardedPool,
  type LocatedUser,
  locateTargetUser,
  readTargetUser,
  type TargetPool,
  UnnamedUserError,
} from './target-pool';
export { advanceWatermark, batchWatermark, readWatermark, WATERMARK_KEY } from './watermark';
