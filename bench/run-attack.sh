#!/usr/bin/env bash
# The attack benchmark (docs/security.md): publishes the service (JIT), and for each scenario starts it
# fresh on a free loopback port with a fresh data directory and the DEFAULT limits (SQLite store,
# in-process broker, dev mailbox), runs bench/Attack against it over TCP from many 127.x.y.z source
# addresses, stops it, and writes bench/results/attack-<scenario>.md.
#   bench/run-attack.sh                   pumping (100 addresses x 100 distinct numbers), flood (one address,
#                                         5,000 distinct numbers), lockout (one address, 5,000 requests for a
#                                         victim), lockout-wide (25 addresses x 5 requests for a victim)
#   bench/run-attack.sh flood             one scenario
set -euo pipefail
source "$(dirname "$0")/lib.sh"

echo "publishing the service (JIT) ..." >&2
rm -rf "$artifacts/jit"
dotnet publish src/LambdaHost -c Release --nologo -p:PublishAot=false -o "$artifacts/jit" >"$artifacts/publish-jit.log" 2>&1 \
  || { tail -n 40 "$artifacts/publish-jit.log" >&2; fail "publishing the service failed (full log: $artifacts/publish-jit.log)"; }
build_bench Attack

scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(pumping flood lockout lockout-wide)
for scenario in "${scenarios[@]}"; do
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  url="http://127.0.0.1:$port"
  data="$(mktemp -d "${TMPDIR:-/tmp}/cleancqrs-attack-XXXXXX")"
  log="$artifacts/attack-server.log"
  CLEANCQRS_STORE=sqlite CLEANCQRS_BROKER=inproc CLEANCQRS_DATA_DIR="$data" \
    dotnet "$artifacts/jit/LambdaHost.dll" --urls "$url" --data-dir "$data" >"$log" 2>&1 &
  pid=$!
  for i in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$log" >&2; fail "the service exited before it answered (log: $log)"; }
    curl -fsS -o /dev/null "$url/.well-known/jwks.json" 2>/dev/null && break
    [ "$i" -eq 600 ] && { kill "$pid"; fail "the service did not answer on $url within 60 s"; }
    sleep 0.1
  done
  echo "scenario $scenario against $url ..." >&2
  status=0
  dotnet bench/Attack/bin/Release/net10.0/CleanCqrs.Bench.Attack.dll \
    --url "$url" --data-dir "$data" --scenario "$scenario" --out "bench/results/attack-$scenario.md" || status=$?
  kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  [ "$status" -eq 0 ] || fail "scenario $scenario failed"
done
