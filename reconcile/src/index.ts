// Public surface of @cognito-dr/reconcile: bulk runs over a whole pool and the table (reconcile, backfill, repair),
// their budgets per Cognito quota category, checkpoints, lease, and the whole-pool reads of status and verify.
export {
  type Checkpoint,
  CheckpointMismatchError,
  type CheckpointStore,
  type Chunk,
  type Counts,
  memoryCheckpointStore,
  parseCheckpoint,
  type RunMode,
  type SavedRun,
} from './checkpoint';
export { type BackupDrift, backupDrift, driftCount, type TableDrift, tableDrift } from './drift';
export type { Progress, RunResult, UserOutcome, WalkOptions } from './engine';
export { readBackupInventory, readPrimaryInventory } from './inventory';
export { invokeItself, publishingMetrics } from './lambda-chain';
export {
  type Budget,
  type BudgetedCognito,
  budgetedCognito,
  budgetFromEnv,
  budgetOf,
  type CallCounts,
  DEFAULT_QUOTA_SHARE,
  DEFAULT_QUOTAS,
  parseBudget,
  QUOTA_CATEGORIES,
  type QuotaCategory,
} from './quota';
export {
  DEFAULT_WRITES_PER_SECOND,
  type ReconcileDeps,
  type ReconcileOptions,
  runReconcile,
} from './reconcile-direction';
export { type RepairDeps, type RepairOptions, runRepair } from './repair-direction';
export {
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  onScheduledRun,
  type RunRequest,
  type ScheduledRunDeps,
  type ScheduledRunSummary,
} from './scheduled-run';
export {
  type Job,
  type Lease,
  LeaseLostError,
  type StateTable,
  stateTableCheckpoints,
  stateTableLease,
} from './state-table';
export { type AllRecords, readAllRecords } from './table-listing';
