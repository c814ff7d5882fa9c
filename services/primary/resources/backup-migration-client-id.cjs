// The backup pool's migration client (admin sign-in only), through which the UserMigration trigger checks the
// password of a user who signed up there during a failover. See replica-stack-output.cjs.
'use strict';

module.exports = require('./replica-stack-output.cjs')('BackupMigrationClientId', 'backupMigrationClientId');
