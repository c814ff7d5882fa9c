// Public surface of @cognito-dr/reconcile: bulk runs over a whole pool and the table (reconcile, backfill, repair),
// their budgets per Cognito quota category, checkpoints, lease, and the whole-pool reads of status and verify.
export {
  CheckpointMismatchError,
  type CheckpointStore,
  type Chunk,
  type Counts,
  memoryCheckpointStore,
  parseCheckpoint,
  type SavedRun,
} from './checkpoint';
export { DirectionRefusedError, reconcileRefusal, repairRefusal } from './direction-guard';
export { backupDrift, driftCount, tableDrift } from './drift';
export type { Progress, RunResult, UserOutcome, WalkOptions } from './engine';
export { DEFAULT_INCREMENTAL, type IncrementalSettings, incrementalSince } from './incremental';
export { readBackupInventory, readPrimaryInventory } from './inventory';
export { type ScheduledJob, scheduledRunClients, scheduledRunHandler } from './lambda-chain';
export {
  type Budget,
  budgetedCognito,
  budgetOf,
  parseBudget,
} from './quota';
export {
  DEFAULT_WRITES_PER_SECOND,
  type ReconcileDeps,
  runReconcile,
} from './reconcile-direction';
export { runRepair } from './repair-direction';
export {
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  onScheduledRun,
  type ScheduledRunSummary,
} from './scheduled-run';
export { stateTableCheckpoints, stateTableLease } from './state-table';
export { readAllRecords } from './table-listing';
