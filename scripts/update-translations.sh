#!/usr/bin/env bash
# Extract every text of the desktop into resources/i18n/leye_LANG.ts (default: en), to be translated
# with Qt Linguist (.venv/bin/pyside6-linguist), then compile the .ts files into the .qm catalogues
# the program loads for the system's language (ui/app.py). Existing translations are kept.
#     scripts/update-translations.sh [LANG]
set -euo pipefail
cd "$(dirname "$0")/.."
lang="${1:-en}"
mkdir -p resources/i18n
.venv/bin/pyside6-lupdate main.py ui/*.py ui/*/*.py -ts "resources/i18n/leye_${lang}.ts"
for ts in resources/i18n/*.ts; do
    .venv/bin/pyside6-lrelease "$ts" -qm "${ts%.ts}.qm"
done
