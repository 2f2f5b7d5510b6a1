#!/usr/bin/env bash
# Tries the Windows installer under Wine 8 on Debian 12, in a fresh Wine prefix, as an
# unprivileged user (a read-only folder means nothing to root):
#     installer/windows/wine-test.sh dist/乐业吴江考核-<version>-win64-setup.exe
# (installer/build-windows.sh --wine-test runs it after building.) Run as root: it mounts a small
# tmpfs for the disk-space case and runs Wine as the user "nobody". Needs wine, xvfb, imagemagick
# (import) and gcc-mingw-w64-x86-64 (installed when missing). Results: build/windows/wine-test/
# (log.txt, desktop.png, sheet-page1.png). Exit 1 when any check failed.
#
# Wine 8 lacks four things Windows 10/11 have; the test adds them to the Wine prefix only
# (installer/windows/wine-shims/, never part of the installer):
#   bcryptprimitives.dll (ProcessPrng, imported by the Rust-built cryptography, rpds-py,
#   python-calamine), the WinRT class Windows.UI.ViewManagement.UISettings (Qt 6.8 asks it for the
#   system colours at start-up), and propsys.VariantToString (Python 3.13's platform module reaches
#   it through _wmi; WINEDLLOVERRIDES=_wmi.pyd=d makes platform fall back to its other code), and
#   the font SimSun (宋体) of the installer's dialogs (a Wine font replacement by the host's Zen Hei).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/installer/windows
OUT=$ROOT/build/windows/wine-test
T=/tmp/leye-wine-test
OLD_VERSION=0.0.9

if [ "${1:-}" != "--inner" ]; then
  # ---------------------------------------------------------------- outer part: root prepares
  [ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: $0 SETUP.exe" >&2; exit 2; }
  [ "$(id -u)" = 0 ] || { echo "wine-test: run as root (it mounts a tmpfs and runs Wine as nobody)" >&2; exit 2; }
  setup=$(realpath "$1")
  need=()
  command -v wine >/dev/null || need+=(wine wine64)
  command -v Xvfb >/dev/null || need+=(xvfb xauth)
  command -v import >/dev/null || need+=(imagemagick)
  command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
  command -v pdftoppm >/dev/null || need+=(poppler-utils)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  fi
  mountpoint -q "$T/small" 2>/dev/null && umount "$T/small"
  rm -rf "$T" "$OUT"
  mkdir -p "$T/home" "$T/small" "$T/shims" "$OUT"
  mount -t tmpfs -o size=60m,uid=65534,gid=65534 tmpfs "$T/small"
  x86_64-w64-mingw32-gcc -shared -O2 -s -o "$T/shims/bcryptprimitives.dll" \
    "$HERE/wine-shims/bcryptprimitives.c" "$HERE/wine-shims/bcryptprimitives.def" -ladvapi32
  x86_64-w64-mingw32-gcc -shared -O2 -s -o "$T/shims/leye-test-uisettings.dll" "$HERE/wine-shims/uisettings.c"
  cp "$HERE/wine-shims/probe.py" "$T/shims/"
  cp "$setup" "$T/"
  version=$(sed -n 's/.*-\([0-9][^-]*\)-win64-setup\.exe$/\1/p' <<<"$setup")
  # An older version of the same program, to update from: the staged tree under another number.
  stage=$ROOT/build/windows/stage
  [ -d "$stage/runtime" ] || { echo "wine-test: $stage missing: run installer/build-windows.sh first" >&2; exit 2; }
  echo "wine-test: building the $OLD_VERSION installer for the update case …"
  makensis -V1 -INPUTCHARSET UTF8 "-DVERSION=$OLD_VERSION" "-DVERSION4=$OLD_VERSION.0" "-DSTAGE=$stage" \
    "-DSIZE_KB=$(du -sk "$stage" | cut -f1)" "-DICON=$ROOT/resources/icons/app.ico" \
    "-DOUTFILE=$T/old-setup.exe" "$HERE/installer.nsi" || exit 1
  # The same command here, for comparison (first run, then warm).
  host=""
  if [ -x "$ROOT/.venv/bin/python" ]; then
    for i in 1 2 3; do
      t0=$(date +%s.%N); "$ROOT/.venv/bin/python" "$ROOT/main.py" score >/dev/null 2>&1
      host+="$(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)") "
    done
  fi
  chown -R 65534:65534 "$T"
  # for the unpacking-failure case: a folder inside the target that the installer cannot clear or write
  mkdir -p "$T/locked/乐业吴江考核/~new/runtime" && touch "$T/locked/乐业吴江考核/~new/runtime/locked"
  chown 65534:65534 "$T/locked" "$T/locked/乐业吴江考核" "$T/locked/乐业吴江考核/~new"
  setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/local/bin:/usr/bin:/bin \
    HOME="$T/home" USER=nobody LOGNAME=nobody SETUP_NAME="$(basename "$setup")" VERSION="$version" \
    HOST_SCORE="$host" bash "$0" --inner 2>&1 | tee "$OUT/log.txt"
  rc=${PIPESTATUS[0]}
  cp "$T"/*.png "$OUT/" 2>/dev/null
  umount "$T/small"
  echo "wine-test: log and pictures in $OUT"
  exit "$rc"
fi

# ------------------------------------------------------------------ inner part: as nobody
export WINEPREFIX=$T/prefix WINEDEBUG=-all LC_ALL=C.UTF-8 WINEDLLOVERRIDES="_wmi.pyd=d;winemenubuilder.exe=d;mscoree,mshtml="
U=$WINEPREFIX/drive_c/users/nobody
WU='C:\users\nobody'
APP=乐业吴江考核
D=$U/AppData/Local/Programs/$APP
WD="$WU\\AppData\\Local\\Programs\\$APP"
passed=0; failed=0
ok()   { echo "PASS  $*"; passed=$((passed + 1)); }
bad()  { echo "FAIL  $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
secs() { printf '%.2f' "$(echo "$(date +%s.%N) - $1" | bc)"; }
# python under Wine needs a terminal for its standard streams: script gives it one.
py() {  # py LOG ARGS… : the installed python.exe; output (without terminal codes) in LOG and shown
  local log=$1; shift
  script -qec "wine '$D/runtime/python.exe' $*" "$T/raw.log" >/dev/null; local rc=$?
  sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b\][^\a]*\a//g; /^Script /d' "$T/raw.log" | tr -d '\r' > "$log"
  return $rc
}
setup_log() {  # the installer's last sentence (%TEMP%\leye-wujiang-setup.log; Wine 8's %TEMP% is %USERPROFILE%\Temp)
  cat "$U/Temp/leye-wujiang-setup.log" "$U/AppData/Local/Temp/leye-wujiang-setup.log" 2>/dev/null | iconv -f UTF-16 -t UTF-8 | tr -d '\r' | sed 's/^\xef\xbb\xbf//' | tail -1
  rm -f "$U/Temp/leye-wujiang-setup.log" "$U/AppData/Local/Temp/leye-wujiang-setup.log"
}
probe() {  # probe installed VERSION | probe removed: with a copy of the bundled Python, which outlives the uninstall
  script -qec "wine '$T/pyprobe/python.exe' '$T/shims/probe.py' $*" "$T/raw.log" >/dev/null; local rc=$?
  sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; /^Script /d' "$T/raw.log" | tr -d '\r'
  return $rc
}
cd "$T"

echo "== Wine prefix ($(wine --version)), running as $(id -un)"
mkdir -p "$WINEPREFIX"
wine wineboot -i >/dev/null 2>&1; wineserver -w
cp "$T/shims/bcryptprimitives.dll" "$T/shims/leye-test-uisettings.dll" "$WINEPREFIX/drive_c/windows/system32/"
K='HKLM\Software\Microsoft\WindowsRuntime\ActivatableClassId\Windows.UI.ViewManagement.UISettings'
wine reg add "$K" /v DllPath /d 'C:\windows\system32\leye-test-uisettings.dll' /f >/dev/null 2>&1
wine reg add "$K" /v ActivationType /t REG_DWORD /d 0 /f >/dev/null 2>&1
# Windows has SimSun (宋体), the installer's dialog font; Wine has not: the host's Zen Hei stands in.
wine reg add 'HKCU\Software\Wine\Fonts\Replacements' /v 宋体 /d 'WenQuanYi Zen Hei' /f >/dev/null 2>&1
wine reg add 'HKCU\Software\Wine\Fonts\Replacements' /v SimSun /d 'WenQuanYi Zen Hei' /f >/dev/null 2>&1
wineserver -w

echo; echo "== the installer's window (Xvfb)"
Xvfb :71 -screen 0 1024x768x24 >/dev/null 2>&1 & xvfb=$!
sleep 2
(DISPLAY=:71 wine "$T/$SETUP_NAME" >/dev/null 2>&1 &)
sleep 10
import -display :71 -window root "$T/setup-welcome.png" && echo "screenshot: setup-welcome.png"
wineserver -k; sleep 1; kill $xvfb 2>/dev/null
check "no program installed by merely opening the installer" test ! -e "$D"

echo; echo "== (a) silent install into the fresh prefix"
echo "installer: $SETUP_NAME, $(stat -c %s "$T/$SETUP_NAME") bytes ($(du -m "$T/$SETUP_NAME" | cut -f1) MB)"
t0=$(date +%s.%N); wine "$T/$SETUP_NAME" /S; rc=$?; wineserver -w
echo "install time: $(secs "$t0") s (wine $SETUP_NAME /S, until every Wine process ended)"
check "install exit code 0 (got $rc)" test "$rc" = 0
check "program folder %LOCALAPPDATA%\\Programs\\$APP with runtime\\ and app\\" test -f "$D/runtime/pythonw.exe" -a -f "$D/app/main.py"
echo "installed: $(du -sm "$D" | cut -f1) MB, $(find "$D" -type f | wc -l) files"
check "CJK font and its licence in app\\resources\\fonts" test -f "$D/app/resources/fonts/wqy-zenhei.ttc" -a -f "$D/app/resources/fonts/wqy-zenhei-LICENSE.txt"
mkdir -p "$T/pyprobe" && cp "$D"/runtime/*.exe "$D"/runtime/*.dll "$D"/runtime/*.pyd "$D"/runtime/python313.zip "$T/pyprobe/"
printf 'python313.zip\r\n.\r\n' > "$T/pyprobe/python313._pth"
probe installed "$VERSION"; rc=$?
check "shortcuts, .wjkh association (HKCU), Add/Remove Programs entry; .sqlite untouched" test "$rc" = 0

echo; echo "== (b) the command line with the installed Python"
times=""
for i in 1 2 3; do
  t0=$(date +%s.%N); py "$T/score.log" "'$D/app/main.py' score"; rc=$?; times+="$(secs "$t0") "
done
head -6 "$T/score.log"
check "score on the demo year (exit $rc)" grep -q "等级名额" "$T/score.log"
echo "score, installed program under Wine, 3 runs (s): $times"
times=""
for i in 1 2 3; do t0=$(date +%s.%N); py "$T/pass.log" "-c pass"; times+="$(secs "$t0") "; done
echo "python.exe -c pass under Wine (Wine's own start-up), 3 runs (s): $times"
echo "score, .venv/bin/python main.py here, 3 runs (s): ${HOST_SCORE:-not measured}"
script -qec "wine cmd /c '$WD\\wjkh.cmd' score" "$T/raw.log" >/dev/null; rc=$?
check "wjkh.cmd score (the command of the command-line window), exit $rc" grep -q "等级名额" "$T/raw.log"
timeout 30 script -qec "wine cmd /c '$WD\\乐业吴江考核-命令行.cmd'" "$T/raw.log" </dev/null >/dev/null
sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; /^Script /d' "$T/raw.log" | tr -d '\r' | grep -v '^$' | head -4
check "the command-line window's Chinese introduction" grep -q "常用命令" "$T/raw.log"
wineserver -k; sleep 1
cd "$U/Documents"
py "$T/import.log" "'$D/app/main.py' import-json '$WD\\app\\resources\\demo\\demo-2022.json' --to '$WU\\Documents\\考核2022.wjkh'"; rc=$?
cat "$T/import.log"; check "import-json to Documents\\考核2022.wjkh" test "$rc" = 0 -a -f "$U/Documents/考核2022.wjkh"
export LEYE_SIGN_PASSWORD=wine-test-secret
py "$T/key.log" "'$D/app/main.py' make-key --name 张三 --organisation 吴江区人社局 '$WU\\AppData\\Roaming\\LeyeWujiang\\keys\\张三.p12'"; rc=$?
cat "$T/key.log"; check "make-key into %APPDATA%\\LeyeWujiang\\keys" test "$rc" = 0 -a -f "$U/AppData/Roaming/LeyeWujiang/keys/张三.p12"
unit=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["units"][0]["name"])' "$D/app/resources/demo/demo-2022.json")
py "$T/pdf.log" "'$D/app/main.py' export-pdf sheet --dataset '$WU\\Documents\\考核2022.wjkh' --unit '$unit' --out '$WU\\Documents\\评分表.pdf' --sign '$WU\\AppData\\Roaming\\LeyeWujiang\\keys\\张三.p12'"; rc=$?
cat "$T/pdf.log"; check "export-pdf sheet --sign" test "$rc" = 0 -a -f "$U/Documents/评分表.pdf"
py "$T/verify.log" "'$D/app/main.py' verify '$WU\\Documents\\评分表.pdf'"; rc=$?
cat "$T/verify.log"; check "verify says 完好 (intact), exit $rc" test "$rc" = 0 -a -n "$(grep "签名完好" "$T/verify.log")"
unset LEYE_SIGN_PASSWORD
pdffonts "$U/Documents/评分表.pdf" 2>/dev/null | sed -n '3,4p'
pdftoppm -r 60 -png -f 1 -l 1 "$U/Documents/评分表.pdf" "$T/sheet-page1" && mv "$T/sheet-page1-1.png" "$T/sheet-page1.png" 2>/dev/null
cd "$T"

echo; echo "== (c) the desktop (Xvfb, Wine's Windows display driver)"
Xvfb :71 -screen 0 1366x768x24 >/dev/null 2>&1 & xvfb=$!
export DISPLAY=:71; sleep 2
t0=$(date +%s.%N)
LEYE_EXIT_WHEN_SHOWN=1 py "$T/desktop.log" "'$D/app/main.py'"; rc=$?
echo "start to painted and closed: $(secs "$t0") s"; grep '^{' "$T/desktop.log" | cut -c1-400
check "desktop opens the demo year and paints it (LEYE_EXIT_WHEN_SHOWN report)" grep -q '"units": 13' "$T/desktop.log"
(cd "$U/Documents" && wine "$D/runtime/pythonw.exe" "$D/app/main.py" >/dev/null 2>&1 &)
sleep 20
import -display :71 -window root "$T/desktop.png" && echo "screenshot: desktop.png (through pythonw.exe, as the shortcut starts it)"
echo "-- while the program runs, the installer again:"
wine "$T/$SETUP_NAME" /S; rc=$?
echo "exit $rc: $(setup_log)"
check "a running program is not replaced (exit 5, files untouched)" test "$rc" = 5 -a -f "$D/runtime/python313.dll" -a ! -e "$D/~new"
wineserver -k; sleep 1; kill $xvfb 2>/dev/null; unset DISPLAY

echo; echo "== (d) silent uninstall"
wine "$D/uninstall.exe" /S; rc=$?; wineserver -w
check "uninstall exit 0 (got $rc)" test "$rc" = 0
check "program folder gone" test ! -e "$D"
probe removed; rc=$?
check "shortcuts, association and Add/Remove Programs entry gone" test "$rc" = 0
check "year file Documents\\考核2022.wjkh kept" test -f "$U/Documents/考核2022.wjkh"
check "key %APPDATA%\\LeyeWujiang\\keys\\张三.p12 kept" test -f "$U/AppData/Roaming/LeyeWujiang/keys/张三.p12"
check "the signed PDF kept" test -f "$U/Documents/评分表.pdf"
demo=$(find "$U/AppData/Roaming/leye-wujiang" \( -name '*.wjkh' -o -name '*.sqlite' \) -not -path '*backups*' 2>/dev/null | head -1)
check "the desktop's demo year and its backups kept (${demo#$U/})" test -n "$demo"

echo; echo "== bad cases, with no program installed (an update always goes where the installed version is)"
ro=$WINEPREFIX/drive_c/只读文件夹; mkdir -p "$ro"; chmod 555 "$ro"
wine "$T/$SETUP_NAME" /S "/D=C:\\只读文件夹\\$APP"; rc=$?; wineserver -w
echo "read-only folder: exit $rc: $(setup_log)"
check "no write permission: exit 3, one sentence, nothing left" test "$rc" = 3 -a ! -e "$ro/$APP"
# A file that cannot be written half-way through unpacking (as when the disk fills up or another
# program holds a file): in the chosen folder, ~new\runtime belongs to root (made by the outer part),
# so the installer can neither clear it nor write into it.
ln -s "$T/locked" "$WINEPREFIX/drive_c/locked"
wine "$T/$SETUP_NAME" /S "/D=C:\\locked\\$APP"; rc=$?; wineserver -w
msg=$(setup_log); echo "unpacking fails half-way: exit $rc: $msg"
check "unpacking failure: installer stops (exit $rc), one sentence, no program in place" \
  test "$rc" != 0 -a -n "$msg" -a ! -e "$T/locked/$APP/runtime" -a ! -e "$T/locked/$APP/app" -a ! -e "$T/locked/$APP/uninstall.exe"
probe removed >/dev/null; rc=$?
check "unpacking failure: no shortcut, association or Add/Remove entry" test "$rc" = 0
ln -s "$T/small" "$WINEPREFIX/dosdevices/s:"
wine "$T/$SETUP_NAME" /S "/D=S:\\$APP"; rc=$?; wineserver -w
echo "60 MB drive: exit $rc: $(setup_log)"
check "not enough disk space: exit 4, one sentence, nothing left" test "$rc" = 4 -a -z "$(ls -A "$T/small")"
probe removed >/dev/null; rc=$?
check "nothing registered after the failed runs" test "$rc" = 0

echo; echo "== update from $OLD_VERSION to $VERSION, then a downgrade attempt"
wine "$T/old-setup.exe" /S; rc=$?; wineserver -w
probe installed "$OLD_VERSION" >/dev/null; prc=$?
check "$OLD_VERSION installed (exit $rc)" test "$rc" = 0 -a "$prc" = 0
echo "# a module only the old version had" > "$D/app/core/old_only_module.py"
t0=$(date +%s.%N); wine "$T/$SETUP_NAME" /S; rc=$?; wineserver -w
echo "update time: $(secs "$t0") s"
probe installed "$VERSION" >/dev/null; prc=$?
check "update to $VERSION: exit 0, registered as $VERSION" test "$rc" = 0 -a "$prc" = 0
check "update replaced the program cleanly (the old version's file is gone, no ~new/~old left)" \
  test ! -e "$D/app/core/old_only_module.py" -a ! -e "$D/~new" -a ! -e "$D/~old"
check "update kept the year file and the key" test -f "$U/Documents/考核2022.wjkh" -a -f "$U/AppData/Roaming/LeyeWujiang/keys/张三.p12"
py "$T/score2.log" "'$D/app/main.py' score '$WU\\Documents\\考核2022.wjkh'"; rc=$?
check "the updated program scores the kept year file (exit $rc)" grep -q "等级名额" "$T/score2.log"
wine "$T/old-setup.exe" /S; rc=$?; wineserver -w
echo "downgrade: exit $rc: $(setup_log)"
probe installed "$VERSION" >/dev/null; prc=$?
check "downgrade refused (exit 6), $VERSION still installed" test "$rc" = 6 -a "$prc" = 0
wine "$D/uninstall.exe" /S; wineserver -w
check "final uninstall" test ! -e "$D"

echo; echo "wine-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
