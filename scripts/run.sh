#!/usr/bin/env bash
# Set up (once) and run the bot. Reads .env; see .env.example.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Python 3.11 or newer is needed (found $(python3 --version 2>&1))." >&2; exit 1; }
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
if [ ! -f .env ]; then
  cp .env.example .env
  echo "Created .env from .env.example: put your DISCORD_TOKEN in it, then run this again." >&2
  exit 1
fi
exec .venv/bin/python bot.py "$@"
