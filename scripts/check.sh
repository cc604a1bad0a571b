#!/usr/bin/env bash
# Typechecks every package (TypeScript strict) and lints the tree (oxlint, with the layering rules in .oxlintrc.json).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
for p in . schemas engine db edge browser-fleet demo site fixtures client sdk cli; do
  if ! out=$(tsc -p "$p" --noEmit 2>&1); then
    echo "typecheck failed in $p:"; echo "$out" | head -40; status=1
  fi
done
if ! oxlint --quiet . ; then status=1; fi
# The app's typed API client must match the edge's OpenAPI document.
if ! (cd client && tsx scripts/generate.ts --check); then status=1; fi
[ $status = 0 ] && echo "check: typecheck and lint clean"
exit $status
