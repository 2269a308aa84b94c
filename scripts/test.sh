#!/usr/bin/env bash
# Set up (once), run the gates (ruff check, ruff format --check, mypy), then the whole test suite.
# Extra arguments go to pytest. SKIP_GATES=1 skips the gates for a quick local run; CI never does.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements-dev.txt
if [ "${SKIP_GATES:-0}" != 1 ]; then
  # The application code: the files mypy checks, listed once in pyproject.toml.
  app=()
  while read -r path; do app+=("$path"); done < <(.venv/bin/python -c \
    'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["tool"]["mypy"]["files"], sep="\n")')
  # Every gate runs, so one run shows all findings; the suite runs only when they pass.
  gates=ok
  .venv/bin/python -m ruff check --quiet "${app[@]}" || gates=failed
  .venv/bin/python -m ruff format --check --quiet "${app[@]}" || gates=failed
  .venv/bin/python -m mypy || gates=failed
  if [ "$gates" != ok ]; then
    echo "Gates failed (above). SKIP_GATES=1 ./scripts/test.sh runs only the tests." >&2
    exit 1
  fi
fi
# pytest exits 5 when it collects no tests; set -e makes that a failure too. TEST_WORKERS=0 runs the
# suite in this one process (pytest-xdist's -n 0), for a debugger or print statements.
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-4}" "$@"
