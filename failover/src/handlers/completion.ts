// What finishing a migration needs in the primary's triggers (PostAuthentication, PostConfirmation): built once per
// container by each of them, with its own logger.
import { convergeUser } from '@cognito-dr/apply';
import { captureUser } from '@cognito-dr/capture';
import {
  cognitoClient,
  envReader,
  getRecord,
  notePoolSub,
  tableClient,
  thisRegionIsActive,
} from '@cognito-dr/shared';
import { completeMigration, type MigrationLog } from '../migration';

export function migrationCompletion(log: MigrationLog) {
  const env = envReader();
  const region = env.required('AWS_REGION');
  const tableName = env.required('TABLE_NAME');
  const cognito = cognitoClient();
  const table = tableClient();
  const isActive = thisRegionIsActive(env, table);
  const state = { table, tableName: env.required('STATE_TABLE_NAME') };
  /** Triggers name the pool in their event: the pool names them, so they cannot be given its id themselves. */
  const completionFor = (userPoolId: string) =>
    completeMigration({
      region,
      isActive,
      readRecord: (username) => getRecord(table, tableName, username),
      // No breaker: a completion converges only a live record (tombstones are 'current'), so the one deletion it can
      // make is the first half of a replacement, which the breaker never counts.
      converge: (record) =>
        convergeUser({ cognito, userPoolId, createMissing: false, now: Date.now, breaker: null }, record),
      capture: (username) =>
        captureUser(
          {
            cognito,
            table,
            userPoolId,
            tableName,
            origin: region,
            now: Date.now,
            notePoolSub: (sub, name) => notePoolSub(state, sub, name),
          },
          username,
          { completesMigration: true },
        ),
      log,
    });
  return { region, tableName, cognito, table, isActive, state, completionFor };
}
