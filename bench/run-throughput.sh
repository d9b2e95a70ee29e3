#!/usr/bin/env bash
# Broker to projection: 5,000 events across 50 org streams published to the in-process broker and
# delivered by its pump to the function (SQS-shaped batches) until every read model is at its last
# version; five runs, each also with the backlog drained on its own. Writes bench/results/throughput.md.
#   bench/run-throughput.sh                                     --events 5000 --streams 50 --runs 5
#   bench/run-throughput.sh --events 20000 --streams 200        any bench/Throughput option is passed on
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
artifacts="$root/bench/.artifacts"
fail() { echo "run-throughput: $*" >&2; exit 1; }
mkdir -p "$artifacts" bench/results

echo "building bench/Throughput (Release) ..." >&2
dotnet build bench/Throughput -c Release --nologo -v quiet >"$artifacts/build-throughput.log" 2>&1 \
  || { tail -n 40 "$artifacts/build-throughput.log" >&2; fail "building bench/Throughput failed (log: $artifacts/build-throughput.log)"; }

echo "1-minute load average: $(cut -d' ' -f1 /proc/loadavg)" >&2
exec dotnet bench/Throughput/bin/Release/net10.0/CleanCqrs.Bench.Throughput.dll --out bench/results/throughput.md "$@"
