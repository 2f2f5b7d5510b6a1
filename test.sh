#!/usr/bin/env bash
# Set up (first time only), check types and lint, and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
# Types and lint against a baseline that only shrinks (scripts/lint.py), then the tests; either failing fails.
lint=0
.venv/bin/python scripts/lint.py || lint=$?
export QT_QPA_PLATFORM=offscreen
tests=0
.venv/bin/python -m pytest "$@" || tests=$?
[ "$lint" = 0 ] || echo "test.sh: the type and lint check failed (above the tests' output)" >&2
[ "$tests" = 0 ] && exit "$lint"
exit "$tests"
