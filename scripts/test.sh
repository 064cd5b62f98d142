#!/usr/bin/env bash
# Runs every test and ends with one plain line: "N passed, N failed".
#
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter Name~Cron]
#
# Tests use a real PostgreSQL: the one in ConnectionStrings__Jobs, or, when that is unset, a
# throwaway server started here (data under a temporary folder, removed at the end).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

work=$(mktemp -d /tmp/jobs-test.XXXXXX)
chmod 755 "$work"  # the PostgreSQL server runs as its own user and must reach its data folder
cleanup() {
  if [ -n "${started_pg:-}" ]; then scripts/pg.sh stop "$work/pg"; fi
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

if [ -z "${ConnectionStrings__Jobs:-}" ]; then
  port=${JOBS_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  echo "test.sh: starting a throwaway PostgreSQL on 127.0.0.1:$port"
  scripts/pg.sh start "$work/pg" "$port" jobs_test || { echo "0 passed, 1 failed"; exit 1; }
  started_pg=1
  export ConnectionStrings__Jobs
  ConnectionStrings__Jobs=$(scripts/pg.sh url "$port" jobs_test)
fi

if ! dotnet build Jobs.sln -c Release -nologo -clp:ErrorsOnly >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Jobs.sln -c Release --no-build -nologo --logger "trx" --results-directory "$work/results" "$@" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}

# Count outcomes from the TRX files (one per test project).
read -r passed failed < <(python3 - "$work/results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        outcome = r.get("outcome")
        if outcome == "Passed": passed += 1
        elif outcome in ("Failed", "Error", "Timeout", "Aborted"): failed += 1
print(passed, failed)
PY
)
if [ -d "${JOBS_TEST_ARTIFACTS:-$root/artifacts}" ]; then
  echo "test.sh: screenshots of the dashboard in ${JOBS_TEST_ARTIFACTS:-$root/artifacts}"
fi
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
  failed=1  # a test host crashed or aborted before reporting
fi
echo "${passed:-0} passed, ${failed:-0} failed"
[ "$status" -eq 0 ]
