#!/usr/bin/env bash
# Entry for the npm scripts: bootstrap the toolchain, then run the command with Node 24 first on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
export PATH="$root/.tools/bin:$root/node_modules/.bin:$PATH"
cmd="$1"; shift
cd "$root"
case "$cmd" in
  dev) exec node --import tsx scripts/dev.ts "$@" ;;
  test) exec bash scripts/test.sh "$@" ;;
  check) exec bash scripts/check.sh "$@" ;;
  bench) exec node --import tsx bench/run.ts "$@" ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
