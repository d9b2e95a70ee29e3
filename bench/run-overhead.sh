#!/usr/bin/env bash
# Overhead of one invocation: BenchmarkDotNet (in process, [MemoryDiagnoser]) runs GET and PUT
# /orgs/{id} through Function.HandleAsync with in-memory stores against the JSON floor (the event
# read into HttpApiRequest, the response written), and writes bench/results/overhead.md.
#   bench/run-overhead.sh                          6 warm-up and 15 measured iterations of 4,096 invocations
#   bench/run-overhead.sh --iterations 30          any other bench/Overhead option is passed on
#   bench/run-overhead.sh --breakdown-only         only the bytes per stage, no BenchmarkDotNet run
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -f src/LambdaHost/LambdaHost.csproj ] || fail "src/LambdaHost/LambdaHost.csproj is missing: there is no function to measure in this tree"
build_bench Overhead

print_load
exec dotnet bench/Overhead/bin/Release/net10.0/CleanCqrs.Bench.Overhead.dll \
  --out bench/results/overhead.md --artifacts "$artifacts/overhead" "$@"
