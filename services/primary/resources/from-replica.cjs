// What this stack takes from the replica stack (backup region): the values that flow from the replica back to the
// primary, which compose cannot pass without a cycle (the replica is deployed after this stack, because it needs
// the replication table to exist). Read from the replica stack's outputs; see shared/stack-output.cjs for the
// order. On the first install that stack does not exist yet: the first install deploys twice (docs/deploy.md), and
// until the second run the features that need these values say so instead of failing.
'use strict';

const { deployInputs } = require('../../../shared/stack-output.cjs');

const replicaOutput = (outputKey) => async (read) =>
  read.output('replica', await read.resolveVariable('param:backupRegion'), outputKey);

module.exports = deployInputs({
  // GET /users/{username} reports whether the backup pool has the user, and the UserMigration trigger signs users
  // in there.
  backupUserPoolId: {
    param: 'backupUserPoolId',
    read: replicaOutput('BackupUserPoolId'),
    whenAbsent: () => '',
  },
  // The backup pool's migration client (admin sign-in only), through which the UserMigration trigger checks the
  // password of a user who signed up there during a failover.
  backupMigrationClientId: {
    param: 'backupMigrationClientId',
    read: replicaOutput('BackupMigrationClientId'),
    whenAbsent: () => '',
  },
});
