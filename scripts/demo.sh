#!/usr/bin/env bash
# Installs what the demo needs if missing, then runs scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
node_ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null; }
if ! node_ok; then
  [ -x "$HOME/.local/node24/node_modules/.bin/node" ] || npm install --prefix "$HOME/.local/node24" node@24 >/dev/null 2>&1
  export PATH="$HOME/.local/node24/node_modules/.bin:$PATH"
fi
if ! command -v docker-registry >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry >/dev/null
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
exec node --import tsx scripts/demo.ts
