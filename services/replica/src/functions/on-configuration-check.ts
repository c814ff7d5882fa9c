// Scheduled: the backup pool's configuration against the primary's, as the ConfigurationDrift metric.
export { handler } from '@cognito-dr/mirror/handlers/on-configuration-check';
