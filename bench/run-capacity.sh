#!/usr/bin/env bash
# Capacity: DynamoDB requests, capacity units (as dynalite reports them, plus the outbox index writes
# derived from the items), item sizes and the busiest partition key value of the table and each index,
# over the OTP sign-in, CreateOrg and UpdateOrg on dynalite; once with one outbox shard (the seed's hot
# key) and once with 16. Writes bench/results/capacity.md.
#   bench/run-capacity.sh                                 500 users, 2 updates each: 2,500 commands on 1,000 streams
#   bench/run-capacity.sh --users 1000 --shards 1,16,32   any other bench/Capacity option is passed on
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_dynalite

build_bench Capacity

print_load
exec dotnet bench/Capacity/bin/Release/net10.0/CleanCqrs.Bench.Capacity.dll --out bench/results/capacity.md "$@"
