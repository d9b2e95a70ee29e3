#!/usr/bin/env bash
# Stream length: aggregate load and UpdateOrg time at 10, 1,000 and 10,000 commits per stream on
# SQLite and on DynamoDB (dynalite, started on a free loopback port), and the DynamoDB requests per
# command; writes bench/results/stream-length.md.
#   bench/run-streamlength.sh                              40 measured repetitions per length
#   bench/run-streamlength.sh --runs 100 --stores sqlite   any other bench/StreamLength option is passed on
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
artifacts="$root/bench/.artifacts"
fail() { echo "run-streamlength: $*" >&2; exit 1; }
mkdir -p "$artifacts" bench/results

command -v node >/dev/null || fail "Node.js is needed to run dynalite (the local DynamoDB)"
if [ ! -f tools/dynalite/node_modules/dynalite/cli.js ]; then
  echo "installing dynalite (npm ci in tools/dynalite) ..." >&2
  (cd tools/dynalite && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || fail "npm ci in tools/dynalite failed"
fi

echo "building bench/StreamLength (Release) ..." >&2
dotnet build bench/StreamLength -c Release --nologo -v quiet >"$artifacts/build-streamlength.log" 2>&1 \
  || { tail -n 40 "$artifacts/build-streamlength.log" >&2; fail "building bench/StreamLength failed (log: $artifacts/build-streamlength.log)"; }

echo "1-minute load average: $(cut -d' ' -f1 /proc/loadavg)" >&2
exec dotnet bench/StreamLength/bin/Release/net10.0/CleanCqrs.Bench.StreamLength.dll --out bench/results/stream-length.md "$@"
