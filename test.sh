#!/usr/bin/env bash
# The one command that runs every test: ./test.sh
# Restores, builds (warnings are errors) and runs all test projects, then prints one summary line
# "N passed, N failed, N skipped". Extra arguments go to `dotnet test` (e.g. --filter Category!=Slow).
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The DynamoDB contract tests run against dynalite (npm), pinned in tools/dynalite/package-lock.json.
if [ -f tools/dynalite/package.json ]; then
  (cd tools/dynalite && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# The AWS SDK for JavaScript v3 (SNS, KMS, SSM) that our requests are compared with, and the CloudFormation
# resource schemas (@aws-cdk/aws-service-spec) the template is validated against; both pinned.
for tool in tools/aws-sdk-check tools/cfn-schema; do
  if [ -f "$tool/package.json" ]; then
    (cd "$tool" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
done
# The OpenAPI lint test runs @redocly/cli, pinned in tools/redocly/package-lock.json.
if [ -f tools/redocly/package.json ]; then
  (cd tools/redocly && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test CleanCqrs.sln --nologo -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# "Passed!  - Failed:     0, Passed:   123, Skipped:     0, Total:   123, Duration: ..." per test project.
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed: ' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6 }
  END { printf "%d %d %d\n", passed, failed, skipped }')
projects=$(grep -cE '(Passed|Failed)! +- +Failed: ' "$log" || true)
if [ "$status" -eq 0 ] && [ "$projects" -eq 0 ]; then
  echo "no test results were found" >&2
  status=1
fi
# Name the failures again next to the summary, so they are not lost in a long log.
grep -E '^ +Failed [A-Za-z_]' "$log" | sed 's/^ */failed: /' || true
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
