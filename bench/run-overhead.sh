#!/usr/bin/env bash
# Overhead of one invocation: BenchmarkDotNet (in process, [MemoryDiagnoser]) runs GET and PUT
# /orgs/{id} through Function.HandleAsync with in-memory stores against the JSON floor (the event
# read into HttpApiRequest, the response written), and writes bench/results/overhead.md.
#   bench/run-overhead.sh                          6 warm-up and 15 measured iterations of 4,096 invocations
#   bench/run-overhead.sh --iterations 30          any other bench/Overhead option is passed on
#   bench/run-overhead.sh --breakdown-only         only the bytes per stage, no BenchmarkDotNet run
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
artifacts="$root/bench/.artifacts"
fail() { echo "run-overhead: $*" >&2; exit 1; }
mkdir -p "$artifacts" bench/results

[ -f src/LambdaHost/LambdaHost.csproj ] || fail "src/LambdaHost/LambdaHost.csproj is missing: there is no function to measure in this tree"
echo "building bench/Overhead (Release) ..." >&2
dotnet build bench/Overhead -c Release --nologo -v quiet >"$artifacts/build-overhead.log" 2>&1 \
  || { tail -n 40 "$artifacts/build-overhead.log" >&2; fail "building bench/Overhead failed (log: $artifacts/build-overhead.log)"; }

echo "1-minute load average: $(cut -d' ' -f1 /proc/loadavg)" >&2
exec dotnet bench/Overhead/bin/Release/net10.0/CleanCqrs.Bench.Overhead.dll \
  --out bench/results/overhead.md --artifacts "$artifacts/overhead" "$@"
