#!/usr/bin/env bash
# Tests the local AWS emulator itself (test-fixtures/tests/test_*.py, Python unittest).
#
#   test-fixtures/test.sh [PORT] [unittest names...]
#
# Uses the emulator on PORT (default $FLYWHEEL_EMULATOR_PORT, else 4566). If none is
# running there, it starts one and stops it again at the end (FLYWHEEL_KEEP_EMULATOR=1
# keeps it). Installs the tools first if needed. Exits non-zero if any test fails; the
# last line reads "emulator: N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(cd "$here/.." && pwd -P)"
tools="${FLYWHEEL_TOOLS_DIR:-$repo/.tools}"

if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  export FLYWHEEL_EMULATOR_PORT="$1"
  shift
fi
port="${FLYWHEEL_EMULATOR_PORT:-4566}"
export FLYWHEEL_EMULATOR_PORT="$port"

"$here/tools.sh" >&2

started=0
if ! "$here/emulator.sh" status 2>/dev/null; then
  "$here/emulator.sh" start >/dev/null
  started=1
fi
cleanup() {
  if [[ $started == 1 && "${FLYWHEEL_KEEP_EMULATOR:-}" != 1 ]]; then
    "$here/emulator.sh" stop
  fi
}
trap cleanup EXIT

export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN

cd "$here/tests"
"$tools/venv/bin/python" - "$@" <<'EOF'
import sys, unittest
names = sys.argv[1:]
loader = unittest.TestLoader()
suite = loader.loadTestsFromNames(names) if names else loader.discover(".", pattern="test_*.py")
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
passed = result.testsRun - failed - skipped
print(f"emulator: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(0 if failed == 0 and result.testsRun > 0 else 1)
EOF
