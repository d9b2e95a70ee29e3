#!/usr/bin/env bash
# Broker to projection: 5,000 events across 50 org streams published to the in-process broker and
# delivered by its pump to the function (SQS-shaped batches) until every read model is at its last
# version; five runs, each also with the backlog drained on its own. Writes bench/results/throughput.md.
#   bench/run-throughput.sh                                     --events 5000 --streams 50 --runs 5
#   bench/run-throughput.sh --events 20000 --streams 200        any bench/Throughput option is passed on
set -euo pipefail
source "$(dirname "$0")/lib.sh"

build_bench Throughput

print_load
exec dotnet bench/Throughput/bin/Release/net10.0/CleanCqrs.Bench.Throughput.dll --out bench/results/throughput.md "$@"
