#!/usr/bin/env bash
# Packages both services for stage prod with no AWS credentials and no network, into <out>/primary and
# <out>/replica (default dist/package-prod): the CloudFormation templates and function zips a deploy would upload.
# Used by the template tests and for reviewing a change's infrastructure; deploys package themselves (compose).
#
# Compose cannot package the replica offline: its params are the primary stack's outputs, read from deployed
# stacks. So each service is packaged on its own and the replica gets the same values compose would pass, read
# from the primary's packaged stack. What only a deployed stack knows is pinned to a placeholder (each service
# would otherwise read it from the other's stack: resources/from-replica.cjs, resources/from-primary.cjs): the
# backup pool's ids, the primary pool's ids, the user-reference key secret's ARN (whose random suffix
# CloudFormation picks at creation), and the backup pool's posture (standby, as before any failover). Stage prod's
# production checks are answered with none: Cognito's email sender and no alarm subscription, on purpose.
#
# Usage: scripts/package-prod.sh [out-dir]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/dist/package-prod}" && cd "${1:-$root/dist/package-prod}" && pwd)"
# No credentials from anywhere, and no instance-metadata lookups: anything that needs AWS fails fast instead.
serverless="$root/scripts/offline-serverless.sh"

rm -rf "$out/primary" "$out/replica"

echo "packaging services/primary (stage prod)"
(cd "$root/services/primary" && "$serverless" package --stage prod \
  --package "$out/primary" --param sesSourceArn=none --param pageAlarmsTo=none \
  --param backupUserPoolId=offline-package-placeholder \
  --param backupMigrationClientId=offline-package-placeholder)

# What serverless-compose.yml passes the replica, taken from the primary stack as packaged.
read -r table_name control_table_name primary_region backup_region < <(node -e '
  const dir = process.argv[1];
  const t = require(`${dir}/cloudformation-template-update-stack.json`);
  const state = require(`${dir}/serverless-state.json`);
  const name = (output) => t.Resources[t.Outputs[output].Value.Ref].Properties.TableName;
  console.log(name("ReplicationTableName"), name("ControlTableName"), state.service.provider.region,
    t.Outputs.BackupRegion.Value);
' "$out/primary")

echo "packaging services/replica (stage prod, $backup_region, table $table_name)"
(cd "$root/services/replica" && "$serverless" package --stage prod \
  --package "$out/replica" --region "$backup_region" --param sesSourceArn=none --param pageAlarmsTo=none \
  --param "tableName=$table_name" \
  --param "controlTableName=$control_table_name" \
  --param primaryUserPoolId=offline-package-placeholder --param primaryUserPoolClientId=offline-package-placeholder \
  --param primaryPoolShape=none --param backupPoolMode=standby \
  --param "primaryRegion=$primary_region" --param "backupRegion=$backup_region" \
  --param "userRefKeySecretArn=arn:aws:secretsmanager:$primary_region:123456789012:secret:cognito-dr-prod-user-ref-key-AbCdEf")

echo "packaged into $out"
