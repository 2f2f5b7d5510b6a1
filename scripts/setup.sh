#!/usr/bin/env bash
# Prepare this checkout to run (and with --test, to test) the program:
# the Debian packages Qt, the Chinese font and the PDF tools need, then a project venv (.venv)
# with the Python packages listed in pyproject.toml. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

# Debian packages (README, "Setting up by hand"): Qt's libraries for a window on X11 and offscreen,
# a CJK TrueType font for the screen and the PDFs, and for the tests poppler's pdftoppm/pdftotext.
debs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0
      libxcb-shape0 libxcb-util1 libxcb-xkb1 libxcb-randr0 libxcb-xfixes0 libxcb-sync1 libxcb-xinerama0
      fonts-wqy-zenhei)
# the installers' tests compile the NSIS script, validate the menu entry and read ELF symbol versions
[ "$with_tests" = 1 ] && debs+=(poppler-utils nsis desktop-file-utils binutils)

say() { echo "setup: $*" >&2; }

python=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$candidate; break
  fi
done
if [ -z "$python" ]; then
  say "Python 3.11 or newer is needed: sudo apt-get install -y python3 python3-venv"; exit 1
fi

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # The venv module lives in a separate Debian package for the system Python.
  "$python" -c 'import ensurepip, venv' 2>/dev/null || missing+=("python3-venv")
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      say "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      say "these Debian packages are missing; have them installed once (as root, or with sudo), then run the command again:"
      # The package lists must know every package; where they do not (a new machine), refresh them first.
      refresh=""
      for pkg in "${missing[@]}"; do
        apt-cache policy "$pkg" 2>/dev/null | grep 'Candidate: [^(]' >/dev/null || { refresh="sudo apt-get update && "; break; }  # grep -q would break the pipe
      done
      echo "${refresh}sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
  fi
else
  say "not a Debian system: make sure Qt's system libraries and a CJK font (WenQuanYi Zen Hei) are installed"
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$python" -m venv .venv
fi

# The Python packages come from the lock files (scripts/lock.sh makes them from pyproject.toml):
# exact versions, wheels only, every file checked against its SHA-256. A stamp named by the lock
# file's own hash skips pip when nothing changed.
lock=requirements.lock
[ "$with_tests" = 1 ] && lock=requirements-test.lock
stamp=".venv/.installed-$(sha256sum "$lock" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "installing Python packages into .venv from $lock"
  .venv/bin/python -m pip install -q --disable-pip-version-check \
    --require-hashes --only-binary=:all: --no-deps -r "$lock"
  # what the lock does not hold (venv's own setuptools, packages an older lock had) goes
  extras=$(.venv/bin/python scripts/lockcheck.py "$lock" --extras)
  [ -z "$extras" ] || .venv/bin/python -m pip uninstall -q -y $extras
  rm -f .venv/.installed-*
  touch "$stamp"
  # the test lock holds the program's pins too
  [ "$with_tests" = 1 ] && touch ".venv/.installed-$(sha256sum requirements.lock | cut -c1-16)"
fi
