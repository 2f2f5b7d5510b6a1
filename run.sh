#!/usr/bin/env bash
# Set up (first time only) and start the program; with no arguments it opens the demo year.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/python main.py "$@"
