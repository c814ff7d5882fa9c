// Public surface of @cognito-dr/shared: the user record, its one mapper, the convergence plan and the capture path.
export { type CaptureDeps, type CaptureResult, captureUser } from './capture';
export {
  type BackupUserState,
  type ConvergeOperation,
  type ConvergeOperationType,
  desiredBackupAttributes,
  managedBackupAttributes,
  planConvergence,
} from './convergence-plan';
export { ConcurrentWriteError, errorName, isErrorNamed, RecordFormatError } from './errors';
export { userRef } from './log-safe';
export { listUserGroups, type PoolUser, readPoolUser } from './pool-reader';
export {
  ADMIN_UNWRITABLE_ATTRIBUTES,
  type CognitoUser,
  isReplicatedAttribute,
  isUserStatus,
  normalizeGroups,
  recordFromCognitoUser,
  recordFromImage,
  recordFromItem,
  recordFromTriggerEvent,
  recordToImage,
  recordToItem,
  type SnapshotContext,
  sameAttributes,
  sameSnapshot,
  tombstoneFor,
  USER_STATUSES,
} from './record-mapper';
export {
  BATCH_GET_LIMIT,
  getRecord,
  getRecords,
  MAX_WRITE_ATTEMPTS,
  type StoreResult,
  storeSnapshot,
  storeTombstone,
} from './record-store';
export * from './user-record';

import { RECORD_SCHEMA_VERSION } from './user-record';

/** Earlier name of RECORD_SCHEMA_VERSION, kept so code written against it keeps compiling. */
export const RECORD_FORMAT_VERSION = RECORD_SCHEMA_VERSION;
