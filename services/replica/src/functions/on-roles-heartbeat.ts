// Once a minute: which region this one believes is active, as metrics for the dashboard and alarms.
export { handler } from '@cognito-dr/failover/handlers/on-roles-heartbeat';
