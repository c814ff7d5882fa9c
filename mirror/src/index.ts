// Public surface of @cognito-dr/mirror: read two pools' configuration, plan the backup's in line with the primary's,
// apply it, or measure how far apart they are.
export { applyMirrorPlan, MirrorBlockedError } from './apply-mirror';
export {
  type IdentityProviderSecrets,
  IdentityProviderSecretsError,
  loadIdentityProviderSecrets,
} from './identity-provider-details';
export { configurationDrift, type MirrorRun, type MirrorSide, mirrorPools } from './mirror-pools';
export {
  type FieldDifference,
  isOwnClient,
  type MirrorBlocker,
  type MirrorChange,
  type MirrorNote,
  type MirrorOptions,
  type MirrorPlan,
  MissingSecretError,
  planMirror,
  planUserShape,
  type Section,
} from './plan-mirror';
export { type PoolConfiguration, PoolNotFoundError, readPoolConfiguration } from './pool-configuration';
