#!/usr/bin/env bash
# Every test: typecheck + lint, then vitest (unit, browser with real Chromium, end-to-end on wrangler dev).
# Ends with the totals on a line of their own: "N passed, M failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false ASTRO_TELEMETRY_DISABLED=1 VITE_CONFIG_NATIVE_IGNORE_WARNING=true
mkdir -p test-results
check_failed=0
bash scripts/check.sh || check_failed=1

vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
vitest_rc=$?

node -e '
const fs = require("node:fs");
let passed = 0, failed = 0, skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8"));
  passed = r.numPassedTests; failed = r.numFailedTests + (r.numFailedTestSuites || 0) * 0; skipped = r.numPendingTests + r.numTodoTests;
  for (const f of r.testResults) if (f.status === "failed" && f.assertionResults.length === 0) failed++;
} catch { failed++; }
const check = Number(process.argv[1]);
if (check) failed++; else passed++;
console.log(`\n${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
process.exit(failed > 0 ? 1 : 0);
' "$check_failed"
rc=$?
[ $vitest_rc -ne 0 ] && [ $rc -eq 0 ] && rc=$vitest_rc
exit $rc
