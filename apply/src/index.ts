// Public surface of @cognito-dr/apply: what turns a changed user record into the standby pool's user.
export {
  type ApplyDeps,
  type ApplyOutcome,
  type ApplyResult,
  applyRecordChange,
  type ConvergeDeps,
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
export { ConvergenceConflictError, classifyError, type FailureKind } from './errors';
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
export { executeOperation, readTargetUser, type TargetPool } from './target-pool';
export { advanceWatermark, batchWatermark, readWatermark, type StateTable, WATERMARK_KEY } from './watermark';
