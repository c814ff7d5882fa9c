// Lambda on this region's stream of the replication table: converges this region's pool to the records of the
// active region while this region is standby (core: @cognito-dr/apply).
export { handler } from '@cognito-dr/apply/handlers/on-user-record-change';
