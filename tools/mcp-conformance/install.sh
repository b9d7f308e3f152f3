#!/usr/bin/env bash
# Puts the MCP project's conformance suite (@modelcontextprotocol/conformance) in
# .cache/mcp-conformance (git-ignored), from this folder's package.json and lockfile (pinned
# versions), and prints two lines: the node binary to run it with, then the suite's entry point.
#
# Why not devDependencies of the root: the suite needs Node 22 (Proofgate runs on Node 20.19+), and
# it brings its own dependency tree (the MCP SDK, express, octokit, ...) that only
# `npm run conformance:mcp` uses; the root's `npm ci` stays as light as DEVELOPMENT.md measures it.
# A system Node that is already 22 or later runs it; else the Node 22 that CI's second test runs on,
# from tools/node-runtime/install.sh (the official binary, pinned, in .cache/node-runtime; Linux
# x64 only): one pinned Node 22 in the repository, not two.
set -euo pipefail
cd "$(dirname "$0")/../.."

here=tools/mcp-conformance
target=.cache/mcp-conformance
suite="$target/node_modules/@modelcontextprotocol/conformance/dist/index.js"

system_node_major="$(node -p 'process.versions.node.split(".")[0]' 2> /dev/null || echo 0)"

# Installed already, from the same lockfile?
if [ -f "$suite" ] && cmp -s "$here/package-lock.json" "$target/package-lock.json"; then
  :
else
  mkdir -p "$target"
  cp "$here/package.json" "$here/package-lock.json" "$target/"
  (cd "$target" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
fi

if [ "$system_node_major" -ge 22 ]; then
  node_bin="$(command -v node)"
elif node_dir="$(bash tools/node-runtime/install.sh)"; then
  node_bin="$node_dir/node"
else
  echo "The MCP conformance suite needs Node 22 or later: put it on PATH." >&2
  exit 1
fi
"$node_bin" --version > /dev/null
echo "$node_bin"
echo "$PWD/$suite"
