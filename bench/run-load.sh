#!/usr/bin/env bash
# Load against the local service: publishes it (JIT), starts it on a free loopback port with a fresh
# data directory (SQLite store, in-process broker, dev mailbox), runs bench/Load for 20 s, stops it
# and writes bench/results/load-<scenario>.md.
#   bench/run-load.sh                           orgs: sign in, create an org per user, loop PUT /orgs/{id};
#                                               then time the read models catching up
#   bench/run-load.sh --scenario otp            POST /otp with distinct phone numbers
#   bench/run-load.sh --concurrency 32 --duration 60s --measure-projection    (options go to bench/Load)
#   LAMBDAHOST=bench/.artifacts/aot/LambdaHost bench/run-load.sh              serve with another build (an AOT one
#                                                                            published with -p:LocalServerInAot=true: ADR 0022)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ -n "${LAMBDAHOST:-}" ]; then
  [ -x "$LAMBDAHOST" ] || fail "LAMBDAHOST=$LAMBDAHOST is not an executable"
  server=("$LAMBDAHOST")
  label="$LAMBDAHOST"
  suffix="-$(basename "$(dirname "$LAMBDAHOST")")"
else
  [ -f src/LambdaHost/LambdaHost.csproj ] || fail "src/LambdaHost/LambdaHost.csproj is missing: there is no service to load in this tree"
  echo "publishing the service (JIT) ..." >&2
  rm -rf "$artifacts/jit"
  dotnet publish src/LambdaHost -c Release --nologo -p:PublishAot=false -o "$artifacts/jit" >"$artifacts/publish-jit.log" 2>&1 \
    || { tail -n 40 "$artifacts/publish-jit.log" >&2; fail "publishing the service failed (full log: $artifacts/publish-jit.log)"; }
  [ -f "$artifacts/jit/LambdaHost.dll" ] || fail "the publish produced no $artifacts/jit/LambdaHost.dll"
  server=(dotnet "$artifacts/jit/LambdaHost.dll")
  label="JIT (dotnet LambdaHost.dll, Release)"
  suffix=""
fi

build_bench Load

# A port nothing listens on (a connect to it is refused).
for _ in $(seq 1 50); do
  port=$((20000 + RANDOM % 40000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
url="http://127.0.0.1:$port"
data="$(mktemp -d "${TMPDIR:-/tmp}/cleancqrs-load-XXXXXX")"
log="$artifacts/server.log"

# Throughput, not abuse, is measured here: the per-address limit and the SMS budget (SPEC 5.3) are lifted.
OTP_ADDRESS_LIMIT_PER_HOUR=100000000 SMS_BUDGET_PER_HOUR=100000000 EMAIL_BUDGET_PER_HOUR=100000000 \
CLEANCQRS_STORE=sqlite CLEANCQRS_BROKER=inproc CLEANCQRS_DATA_DIR="$data" \
  "${server[@]}" --urls "$url" --data-dir "$data" >"$log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$data"
}
trap stop EXIT

echo "waiting for the service at $url ..." >&2
for i in $(seq 1 600); do
  if ! kill -0 "$pid" 2>/dev/null; then
    tail -n 40 "$log" >&2
    fail "the service exited before it answered on $url (log: $log)"
  fi
  curl -fsS -o /dev/null "$url/.well-known/jwks.json" 2>/dev/null && break
  [ "$i" -eq 600 ] && { tail -n 40 "$log" >&2; fail "the service did not answer on $url within 60 s (log: $log)"; }
  sleep 0.1
done

scenario=orgs
case " $* " in *" --scenario otp "* | *" --scenario=otp "*) scenario=otp ;; esac
defaults=(--duration 20s)
[ $# -eq 0 ] && defaults+=(--scenario orgs --measure-projection)
dotnet bench/Load/bin/Release/net10.0/CleanCqrs.Bench.Load.dll \
  --url "$url" --data-dir "$data" --server-label "$label, local mode, SQLite store, in-process broker" --out "bench/results/load-$scenario$suffix.md" "${defaults[@]}" "$@"
