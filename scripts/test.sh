#!/usr/bin/env bash
# Set up (once) and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements-dev.txt
# pytest exits 5 when it collects no tests; set -e makes that a failure too.
exec .venv/bin/python -m pytest "$@"
