// Resolves the backup user pool's id for GET /users/{username}, which reports whether the backup pool has the user.
//
// The one value that cannot arrive as a compose param: the replica stack creates the backup pool and is deployed
// after this stack (it needs the replication table to exist), so compose passing the id back here would be a
// cycle. It is read, in this order, from:
//   1. `--param backupUserPoolId=...` (offline packaging, or pinning it by hand);
//   2. nothing on stage `local`, where the local stack passes BACKUP_USER_POOL_ID through the environment;
//   3. the replica stack's BackupUserPoolId output, in the backup region;
//   4. '' when that stack does not exist yet: the first install deploys twice (docs/deploy.md), and until the
//      second run GET has no backup pool to ask.
'use strict';

module.exports = async ({ resolveVariable }) => {
  const pinned = await resolveVariable('param:backupUserPoolId, null');
  if (pinned) return pinned;
  const stage = await resolveVariable('sls:stage');
  if (stage === 'local') return '';
  const backupRegion = await resolveVariable('param:backupRegion');
  const stack = `cognito-dr-replica-${stage}`;
  try {
    return (await resolveVariable(`cf(${backupRegion}):${stack}.BackupUserPoolId, null`)) || '';
  } catch (error) {
    throw new Error(
      `cannot read ${stack}'s BackupUserPoolId in ${backupRegion} (${error.message}); without AWS access, ` +
        'pass --param backupUserPoolId=<id or placeholder>, as scripts/package-prod.sh does',
    );
  }
};
