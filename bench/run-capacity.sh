#!/usr/bin/env bash
# Capacity: DynamoDB requests, capacity units (as dynalite reports them, plus the outbox index writes
# derived from the items), item sizes and the busiest partition key value of the table and each index,
# over the OTP sign-in, CreateOrg and UpdateOrg on dynalite; once with one outbox shard (the seed's hot
# key) and once with 16. Writes bench/results/capacity.md.
#   bench/run-capacity.sh                                 500 users, 2 updates each: 2,500 commands on 1,000 streams
#   bench/run-capacity.sh --users 1000 --shards 1,16,32   any other bench/Capacity option is passed on
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
artifacts="$root/bench/.artifacts"
fail() { echo "run-capacity: $*" >&2; exit 1; }
mkdir -p "$artifacts" bench/results

command -v node >/dev/null || fail "Node.js is needed to run dynalite (the local DynamoDB)"
if [ ! -f tools/dynalite/node_modules/dynalite/cli.js ]; then
  echo "installing dynalite (npm ci in tools/dynalite) ..." >&2
  (cd tools/dynalite && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || fail "npm ci in tools/dynalite failed"
fi

echo "building bench/Capacity (Release) ..." >&2
dotnet build bench/Capacity -c Release --nologo -v quiet >"$artifacts/build-capacity.log" 2>&1 \
  || { tail -n 40 "$artifacts/build-capacity.log" >&2; fail "building bench/Capacity failed (log: $artifacts/build-capacity.log)"; }

echo "1-minute load average: $(cut -d' ' -f1 /proc/loadavg)" >&2
exec dotnet bench/Capacity/bin/Release/net10.0/CleanCqrs.Bench.Capacity.dll --out bench/results/capacity.md "$@"
