// Public surface of @cognito-dr/shared: the user record, its one mapper, the table, pool reads and the convergence plan.
export {
  type ClientOptions,
  cognitoClient,
  secretsClient,
  sqsClient,
  TRIGGER_SAFE,
  tableClient,
} from './aws-clients';
export { type Clock, systemClock } from './clock';
export {
  AdaptiveRate,
  type CallCounts,
  CallGovernor,
  DEFAULT_RETRIES,
  DeadlineExceededError,
  type GovernorSettings,
  governClient,
  isTransientFault,
  NETWORK_CODES,
  Pacer,
  type PacingSnapshot,
  QUOTA_CATEGORIES,
  quotaCeilings,
  type Rate,
  zeroCalls,
} from './cognito-pacing';
export {
  COGNITO_QUOTAS,
  type QuotaCategory,
  quotaCategoryOf,
} from './cognito-quotas';
export {
  CONTACT_VERIFICATION_PAIRS,
  type ConvergeOperation,
  type ConvergeOperationType,
  desiredAttributes,
  linkedSub,
  type MfaFactorSetting,
  managedAttributes,
  planConvergence,
  REPLICATED_MFA_FACTORS,
  type ReplicatedMfaFactor,
  type TargetUserState,
} from './convergence-plan';
export {
  answerCustomResource,
  type CustomResourceDeps,
  type CustomResourceOutcome,
  putResponse,
} from './custom-resource';
export { ConfigError, type EnvReader, envReader } from './env';
export {
  ConcurrentWriteError,
  errorName,
  isErrorNamed,
  isThrottling,
  RecordFormatError,
  THROTTLING_ERRORS,
  UnsupportedSchemaError,
} from './errors';
export {
  cognitoGroupFields,
  type GroupRecord,
  groupKey,
  groupNameOfKey,
  groupRecordFromCognito,
  groupRecordFromImage,
  groupRecordFromItem,
  groupRecordToItem,
  isGroupItem,
  isGroupKey,
  sameGroup,
} from './group-record';
export {
  type HandlerCore,
  type HandlerTools,
  type LambdaHandlerMiddlewares,
  type LambdaHandlerOptions,
  lambdaHandler,
} from './lambda-handler';
export { userRef, useUserRefKey } from './log-safe';
export {
  type ConfigurationApi,
  type ConfigurationReads,
  type ConfigurationWrites,
  configurationApi,
  type MfaSettings,
} from './pool-configuration-api';
export {
  attributesOf,
  COGNITO_PAGE_SIZE,
  listAllUsers,
  listGroupMemberships,
} from './pool-listing';
export {
  listUserGroups,
  type PoolUser,
  type RecordIdentity,
  readPoolUser,
  readRecordUser,
} from './pool-reader';
export { CARRIED_POOL_SETTINGS, FIXED_AT_CREATION, poolUpdateRequest } from './pool-update';
export {
  ADMIN_UNWRITABLE_ATTRIBUTES,
  type CognitoUser,
  IDENTITIES_ATTRIBUTE,
  identitiesOf,
  isReplicatedAttribute,
  isUserStatus,
  MFA_FACTORS,
  mfaOf,
  mfaOfCognitoUser,
  normalizeGroups,
  recordFromCognitoUser,
  recordFromImage,
  recordFromItem,
  recordFromTriggerEvent,
  recordToImage,
  recordToItem,
  type SnapshotContext,
  sameAttributes,
  sameIdentities,
  sameListedSnapshot,
  sameMfa,
  sameSnapshot,
  tombstoneFor,
  totpReenrolment,
  USER_STATUSES,
  usesTotp,
  type WriterStamp,
} from './record-mapper';
export {
  BATCH_GET_LIMIT,
  type GroupStoreResult,
  getGroupRecord,
  getGroupRecords,
  getRecord,
  getRecords,
  listGroupRecords,
  MAX_WRITE_ATTEMPTS,
  noteMigrating,
  type StoreResult,
  storeGroupSnapshot,
  storeGroupTombstone,
  storeSnapshot,
  storeTombstone,
} from './record-store';
export { secretHash } from './secret-hash';
export * from './user-naming';
export * from './user-record';
export { userRefKeyStep } from './user-ref-key';

import { RECORD_SCHEMA_VERSION } from './user-record';

/** Earlier name of RECORD_SCHEMA_VERSION, kept so code written against it keeps compiling. */
export const RECORD_FORMAT_VERSION = RECORD_SCHEMA_VERSION;
export { countPasswordResets, notePasswordReset } from './password-resets';
export { notePoolSub, type PoolSubs, usernameOfPoolSub } from './pool-subs';
export {
  type ApplyVerdict,
  applyVerdict,
  CONTROL_TABLE_KEY,
  initialRoles,
  isActiveRegion,
  otherRegion,
  type Posture,
  type RegionRoles,
  ROLES_KEY,
  RolesConflictError,
  RolesFormatError,
  type RolesReader,
  type RolesReaderOptions,
  type RolesState,
  type RolesTable,
  readRoles,
  rolesFromItem,
  rolesReader,
  rolesReaderFromEnv,
  thisRegionIsActive,
  writeRoles,
} from './region-roles';
export {
  assertClockWithin,
  type ClockOffset,
  ClockSkewError,
  MAX_CLOCK_SKEW_MS,
  ServerTime,
  type ServerTimeSample,
} from './server-time';
export { type DeliveredMessage, readMailbox, type StackInfo, type StackRegion } from './stack-info';
export type { StateTable } from './state-table';
export { assertOwnTable, type DeploymentPools, deploymentPools, ForeignTableError } from './table-owner';
