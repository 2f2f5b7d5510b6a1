#!/usr/bin/env bash
# Prepare this checkout to run (and with --test, to test) the program:
# the Debian packages Qt, the Chinese font and the PDF tools need, then a project venv (.venv)
# with the Python packages listed in pyproject.toml. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

# Qt's offscreen/xcb libraries and a CJK TrueType font (see docs/platform.md).
debs=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 fonts-wqy-zenhei)
[ "$with_tests" = 1 ] && debs+=(poppler-utils)

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
      say "these Debian packages are missing; run this once, then run the command again:"
      echo "sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
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

# The package lists come from pyproject.toml; a stamp per list skips pip when nothing changed.
package_list() {
  .venv/bin/python - "$1" <<'PY'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
wanted = list(project["dependencies"])
if sys.argv[1] == "1":
    wanted += project["optional-dependencies"]["test"]
print("\n".join(wanted))
PY
}
stamp_of() { echo ".venv/.installed-$(printf '%s' "$1" | sha256sum | cut -c1-16)"; }
requirements=$(package_list "$with_tests")
stamp=$(stamp_of "$requirements")
if [ ! -f "$stamp" ]; then
  say "installing Python packages into .venv"
  printf '%s\n' "$requirements" > .venv/requirements.txt
  .venv/bin/python -m pip install -q --disable-pip-version-check -r .venv/requirements.txt
  touch "$stamp"
  # the test list includes the program's, so the program's is installed too
  [ "$with_tests" = 1 ] && touch "$(stamp_of "$(package_list 0)")"
fi
