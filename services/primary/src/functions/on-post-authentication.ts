// Cognito PostAuthentication trigger of the primary pool: a user's first sign-in after migrating in brings the
// groups and state of their record.
export { handler } from '@cognito-dr/failover/src/handlers/on-post-authentication';
