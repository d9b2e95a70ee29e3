#!/usr/bin/env bash
# Cold start, Native AOT against JIT: publishes the function both ways, then starts each fresh 15
# times under an emulated Lambda Runtime API (bench/ColdStart) and writes bench/results/coldstart.md
# (coldstart-orgs.md with --event-orgs).
#   bench/run-coldstart.sh                      first invocation: POST /otp (no token needed)
#   bench/run-coldstart.sh --event-orgs         first invocation: POST /orgs with an org token
#   bench/run-coldstart.sh --deployed --embedded-too [--event-orgs]
#                                               the deployed configuration (DynamoDB on dynalite, SNS and KMS
#                                               stand-ins) against the embedded one in the same rounds
#   bench/run-coldstart.sh --runs 30            any other bench/ColdStart option is passed on
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ -f src/LambdaHost/LambdaHost.csproj ] || fail "src/LambdaHost/LambdaHost.csproj is missing: there is no service to measure in this tree"
command -v gcc >/dev/null || command -v clang >/dev/null || fail "Native AOT needs a C toolchain (gcc or clang) to link"

publish() { # name, log, dotnet publish arguments...
  local name="$1" log="$2"; shift 2
  echo "publishing the function ($name) ..." >&2
  if ! dotnet publish src/LambdaHost -c Release --nologo "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    fail "publishing the $name function failed (full log: $log)"
  fi
}
rm -rf "$artifacts/aot" "$artifacts/jit"
publish "Native AOT" "$artifacts/publish-aot.log" -r linux-x64 -p:PublishAot=true -o "$artifacts/aot"
publish "JIT" "$artifacts/publish-jit.log" -p:PublishAot=false -o "$artifacts/jit"
[ -x "$artifacts/aot/LambdaHost" ] || fail "the AOT publish produced no executable $artifacts/aot/LambdaHost"
[ -f "$artifacts/jit/LambdaHost.dll" ] || fail "the JIT publish produced no $artifacts/jit/LambdaHost.dll"

build_bench ColdStart

out=bench/results/coldstart
case " $* " in *" --deployed "*) out=$out-deployed ;; esac
case " $* " in *" --event-orgs "*) out=$out-orgs ;; esac
out=$out.md
# --deployed starts dynalite from tools/dynalite.
case " $* " in *" --deployed "*) ensure_dynalite ;; esac

echo "AOT executable: $(du -h "$artifacts/aot/LambdaHost" | cut -f1)" >&2
exec dotnet bench/ColdStart/bin/Release/net10.0/CleanCqrs.Bench.ColdStart.dll \
  --aot "'$artifacts/aot/LambdaHost'" \
  --jit "dotnet '$artifacts/jit/LambdaHost.dll'" \
  --env CLEANCQRS_STORE=sqlite --env CLEANCQRS_BROKER=inproc \
  --runs 15 --out "$out" "$@"
