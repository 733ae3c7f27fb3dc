#!/usr/bin/env bash
# The NativeAOT check: publishes samples/CustomLayers with PublishAot=true (every trim or AOT warning is an
# error), runs the native binary and compares its output with `dotnet run --project samples/CustomLayers`.
# Prints the binary's size and start-up time. Installs the native toolchain first when it is missing
# (clang and zlib1g-dev on Debian; needs root, as CI has). Exits non-zero on failure.
#
#   bash packaging/aot-check.sh              # its temp folder is removed at the end
#   KEEP=1 bash packaging/aot-check.sh       # keeps the temp folder (the published binary) for a look
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$SECONDS
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/layergen-aot.XXXXXX")"
if [ "${KEEP:-}" != "1" ]; then trap 'rm -rf "$work"' EXIT; fi
echo "== NativeAOT check in $work"

# 1. The native toolchain NativeAOT links with.
if ! command -v clang >/dev/null 2>&1 || ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
  echo "   installing clang and zlib1g-dev"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq </dev/null >"$work/apt.log" 2>&1 \
    && $sudo apt-get install -y -qq --no-install-recommends clang zlib1g-dev </dev/null >>"$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log"; echo "FAIL: could not install clang and zlib1g-dev"; exit 1; }
fi

# 2. Publish. The sample's project turns ILC's warnings into errors; the log is also searched for any warning.
publish_start=$SECONDS
status=0
dotnet publish samples/CustomLayers -c Release -r linux-x64 -p:PublishAot=true -o "$work/publish" -nologo \
  </dev/null >"$work/publish.log" 2>&1 || status=$?
publish_time=$((SECONDS - publish_start))
if [ "$status" -ne 0 ]; then
  cat "$work/publish.log"; echo "FAIL: dotnet publish -p:PublishAot=true exited with $status"; exit 1
fi
if grep -E -i ': warning [A-Z]+[0-9]+' "$work/publish.log"; then
  echo "FAIL: the AOT publish printed warnings (above)"; exit 1
fi
binary="$work/publish/CustomLayers"
[ -x "$binary" ] || { cat "$work/publish.log"; echo "FAIL: no native binary at $binary"; exit 1; }
size=$(stat -c %s "$binary")
echo "   published in ${publish_time} s with no warnings: $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }') MiB)"

# 3. Same output as the JIT at the same vector width. The binary targets x86-64-v3 (256-bit vectors); on an
# AVX-512 machine the JIT would also run the kernels' Vector512 passes, whose sums round differently in
# the last bits, so the JIT is held to 256 bits (Vector512.IsHardwareAccelerated is then false).
"$binary" </dev/null >"$work/native.txt"
DOTNET_PreferredVectorBitWidth=256 dotnet run --project samples/CustomLayers </dev/null >"$work/jit.txt"
if ! diff -u "$work/jit.txt" "$work/native.txt"; then
  echo "FAIL: the native binary's output differs from dotnet run's (diff above: - dotnet run, + native)"; exit 1
fi
echo "   native output == dotnet run output ($(wc -l <"$work/native.txt") lines)"

# 4. Start-up: the whole sample, ten runs.
runs=10
t0=$(date +%s%N)
for _ in $(seq "$runs"); do "$binary" </dev/null >/dev/null; done
t1=$(date +%s%N)
echo "   native run (start-up + the whole sample): $(( (t1 - t0) / runs / 1000 )) us mean of $runs"
echo "== NativeAOT check passed in $((SECONDS - start)) s"
