#!/usr/bin/env bash
# Set up (once) and run the bot. Reads .env; see .env.example.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements.txt
if [ ! -f .env ]; then
  cp .env.example .env
  echo "Created .env from .env.example: put your DISCORD_TOKEN in it, then run this again." >&2
  exit 1
fi
exec .venv/bin/python bot.py "$@"
