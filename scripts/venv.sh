# Sourced by run.sh and test.sh with one requirements file. Makes .venv (Python 3.11+) the first time,
# and runs pip only when a requirements file changed since pip last installed it, so a start without
# network is not held up by pip's retries. Each installed file's SHA-256 is kept in .venv/.installed/;
# delete .venv to start afresh.
venv_sum() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

if [ ! -x .venv/bin/python ]; then
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "Python 3.11 or newer is needed (found $(python3 --version 2>&1))." >&2; exit 1; }
  python3 -m venv .venv
  # Only for a new venv: its pip is as old as the Python that made it.
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

# The file named and the files it includes (requirements-dev.txt has `-r requirements.txt`; all of
# them sit in the repository root).
venv_files=("$1")
while read -r venv_included; do venv_files+=("$venv_included"); done < <(sed -n 's/^-r[[:space:]]*//p' "$1")

venv_stale=0
for venv_file in "${venv_files[@]}"; do
  venv_stamp=".venv/.installed/$(basename "$venv_file").sha256"
  [ -f "$venv_stamp" ] && venv_sum --check --status "$venv_stamp" || venv_stale=1
done
if [ "$venv_stale" = 1 ]; then
  .venv/bin/python -m pip install --quiet -r "$1"
  mkdir -p .venv/.installed
  for venv_file in "${venv_files[@]}"; do
    venv_sum "$venv_file" > ".venv/.installed/$(basename "$venv_file").sha256"
  done
fi
