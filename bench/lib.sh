# Sourced by every bench/run-*.sh: what they all start with, written once.
# Leaves the repository root as the working directory, dotnet quiet, bench/.artifacts and
# bench/results present, and defines fail, build_bench, ensure_dynalite and print_load.
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
artifacts="$root/bench/.artifacts"
mkdir -p "$artifacts" bench/results

# "run-capacity: <message>" on stderr, then exit 1.
fail() { echo "$(basename "$0" .sh): $*" >&2; exit 1; }

# build_bench Capacity: builds bench/Capacity in Release, its log in bench/.artifacts/build-capacity.log.
build_bench() {
  local project="$1" log
  log="$artifacts/build-$(echo "$1" | tr '[:upper:]' '[:lower:]').log"
  echo "building bench/$project (Release) ..." >&2
  dotnet build "bench/$project" -c Release --nologo -v quiet >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; fail "building bench/$project failed (log: $log)"; }
}

# dynalite (the local DynamoDB) from tools/dynalite, installed from its lock file when missing.
ensure_dynalite() {
  command -v node >/dev/null || fail "Node.js is needed to run dynalite (the local DynamoDB)"
  if [ ! -f tools/dynalite/node_modules/dynalite/cli.js ]; then
    echo "installing dynalite (npm ci in tools/dynalite) ..." >&2
    (cd tools/dynalite && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || fail "npm ci in tools/dynalite failed"
  fi
}

# The machine's load, printed before a measurement so a report can be read against it.
print_load() { echo "1-minute load average: $(cut -d' ' -f1 /proc/loadavg)" >&2; }
