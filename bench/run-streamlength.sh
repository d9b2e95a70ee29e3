#!/usr/bin/env bash
# Stream length: aggregate load and UpdateOrg time at 10, 1,000 and 10,000 commits per stream on
# SQLite and on DynamoDB (dynalite, started on a free loopback port), and the DynamoDB requests per
# command; writes bench/results/stream-length.md.
#   bench/run-streamlength.sh                              40 measured repetitions per length
#   bench/run-streamlength.sh --runs 100 --stores sqlite   any other bench/StreamLength option is passed on
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_dynalite

build_bench StreamLength

print_load
exec dotnet bench/StreamLength/bin/Release/net10.0/CleanCqrs.Bench.StreamLength.dll --out bench/results/stream-length.md "$@"
