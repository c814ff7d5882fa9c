// The backup user pool's id: GET /users/{username} reports whether the backup pool has the user, and the
// UserMigration trigger signs users in there. See replica-stack-output.cjs for where it comes from.
'use strict';

module.exports = require('./replica-stack-output.cjs')('BackupUserPoolId', 'backupUserPoolId');
