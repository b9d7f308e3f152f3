#!/usr/bin/env bash
# Puts promtool (Prometheus's rule checker and rule unit-test runner) in .cache/promtool/bin,
# from Debian's `prometheus` package, without root: the .deb is downloaded with apt-get and
# unpacked with dpkg-deb, never installed. Prints the path of promtool on success.
# Used by .ci/run; test/e2e/operations/prometheus-rules.spec.ts finds it there (or on PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."

target=.cache/promtool
bin="$target/bin/promtool"
if [ -x "$bin" ]; then
  echo "$PWD/$bin"
  exit 0
fi
if command -v promtool > /dev/null; then
  command -v promtool
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt-get download writes into the current directory; it needs the package lists (apt-get update).
if ! (cd "$work" && apt-get download prometheus > /dev/null 2>&1); then
  if [ "$(id -u)" = 0 ]; then apt-get update > /dev/null; fi
  (cd "$work" && apt-get download prometheus > /dev/null)
fi
dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
mkdir -p "$target/bin"
cp "$work/root/usr/bin/promtool" "$bin"
"$bin" --version > /dev/null
echo "$PWD/$bin"
