#!/usr/bin/env bash
# Runs the repository's serverless, in the current directory, with no AWS credentials and no instance-metadata
# lookups, so anything that would need AWS fails fast instead of reaching an account. For packaging and printing
# a service offline (scripts/package-prod.sh, the template tests).
#
# Usage: (cd services/<service> && ../../scripts/offline-serverless.sh <command> [options])
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"

exec env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
  -u AWS_DEFAULT_PROFILE AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  AWS_EC2_METADATA_DISABLED=true SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off \
  node "$root/node_modules/serverless/bin/serverless.js" "$@"
