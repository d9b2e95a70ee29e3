#!/usr/bin/env bash
# Publishes the function as a Native AOT executable named `bootstrap`, as Lambda's custom runtime
# (provided.al2023) runs it.
#
#   deploy/publish-aot.sh [x86_64|arm64] [output-dir]
#
# Writes <output-dir>/bootstrap (default output-dir: artifacts/lambda-<rid>) and, beside it,
# libe_sqlite3.so, which only the embedded store loads (CLEANCQRS_STORE=sqlite; not shipped to Lambda).
# Needs the .NET 10 SDK, clang and zlib1g-dev. Trim and AOT analysis warnings fail the publish: the
# build treats warnings as errors, ILC included, and TrimmerSingleWarn=false names every warning of a
# package instead of one summary line per package. arm64 from an x64 machine also needs a cross
# toolchain (see docs/decisions/0009-native-aot.md).
set -euo pipefail
cd "$(dirname "$0")/.."

arch=${1:-x86_64}
case "$arch" in
  x86_64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "usage: deploy/publish-aot.sh [x86_64|arm64] [output-dir]" >&2; exit 2 ;;
esac
out=${2:-artifacts/lambda-$rid}

started=$(date +%s)
rm -rf "$out/publish"
mkdir -p "$out"
dotnet publish src/LambdaHost -c Release -r "$rid" \
  -p:PublishAot=true -p:TrimmerSingleWarn=false \
  -o "$out/publish" --nologo
cp "$out/publish/LambdaHost" "$out/bootstrap"
chmod 755 "$out/bootstrap"
if [ -f "$out/publish/libe_sqlite3.so" ]; then
  cp "$out/publish/libe_sqlite3.so" "$out/libe_sqlite3.so"
fi

# provided.al2023 has glibc 2.34: a binary linked on a newer distribution may ask for more.
if command -v objdump >/dev/null; then
  newest=$(objdump -T "$out/bootstrap" | grep -o 'GLIBC_[0-9.]*' | sed 's/^GLIBC_//' | sort -uV | tail -n 1)
  if [ -n "$newest" ] && [ "$(printf '%s\n2.34\n' "$newest" | sort -V | tail -n 1)" != "2.34" ]; then
    echo "$out/bootstrap needs glibc $newest but provided.al2023 has 2.34; publish on an older distribution" >&2
    exit 1
  fi
fi

size=$(stat -c %s "$out/bootstrap")
echo "published $out/bootstrap for $rid: $((size / 1024 / 1024)) MiB ($size bytes) in $(( $(date +%s) - started )) s"
