#!/usr/bin/env bash
# Tries a built package in a bare system (a debootstrap'ed root folder), as an office PC would get it:
#
#   installer/linux/try-deb.sh ROOTFS DEB [--prepare "PKG ..."] [--force-depends] [--window PNG] [--out DIR] [--apt]
#
# Runs on a throw-away copy of ROOTFS (as root, on the build machine). --prepare installs Debian
# packages first, with network (the X client libraries the package depends on, xvfb, imagemagick).
# Everything after that runs with networking off (unshare -n): dpkg -i, then as an ordinary user
# `leye-wujiang score` on the demo year, import-json, make-key, export-pdf --sign and verify; with
# --window the desktop is started under Xvfb from the menu entry's Exec line and a screenshot of the
# screen is saved to PNG; then dpkg -r and dpkg -P, checking the user's files are still there.
# --apt installs with `apt-get install ./DEB` instead of dpkg -i (still without network).
# --force-depends installs on a system that lacks a dependency (Ubuntu 18.04: glibc 2.27).
# When the system has gio (libglib2.0-bin, shared-mime-info, desktop-file-utils prepared), the type
# and the program a .wjkh and a .sqlite file open with are shown. --out DIR keeps the PDFs made.
# LEYE_WINDOW_WAIT: seconds the desktop gets before the screenshot (25; more under emulation).
# The log goes to stdout; the exit status is 1 when a step failed.
set -uo pipefail
rootfs=$1; deb=$2; shift 2
prepare=""; force=""; window=""; keep=""; apt=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare) prepare=$2; shift ;;
    --force-depends) force=--force-depends ;;
    --window) window=$2; shift ;;
    --out) keep=$2; shift ;;
    --apt) apt=1 ;;
    *) echo "try-deb: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "try-deb: run as root" >&2; exit 2; }

work=$(mktemp -d /tmp/leye-try.XXXXXX)
root=$work/root
mounts=()
cleanup() {
  for ((i=${#mounts[@]}-1; i>=0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
cp -a "$rootfs" "$root"
mount -t proc proc "$root/proc"; mounts+=("$root/proc")
mount --bind /dev "$root/dev"; mounts+=("$root/dev")
cp "$deb" "$root/tmp/"
pkg=/tmp/$(basename "$deb")
failed=0
step() { echo; echo "### $*"; }
run() {  # run CMD: in the system, as root, no network
  unshare -n chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 sh -c "$1"
}
user() {  # user CMD: in the system, as the ordinary user "clerk", no network
  unshare -n chroot --userspec=1000:1000 "$root" env -i PATH=/usr/bin:/bin HOME=/home/clerk LANG=C.UTF-8 \
    LEYE_SIGN_PASSWORD=mima-2022 sh -c "cd ~ && $1"
}
check() { if "$@"; then echo "ok"; else echo "FAILED (exit $?)"; failed=1; fi; }

step "system: $(chroot "$root" sh -c '. /etc/os-release; echo $PRETTY_NAME'), $(chroot "$root" ldd --version | head -1)"
if [ -n "$prepare" ]; then
  step "with network, before: apt-get install $prepare"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends $prepare >/dev/null" \
    || { echo "prepare failed"; exit 1; }
fi
chroot "$root" sh -c 'useradd -m -u 1000 -s /bin/sh clerk'
step "networking is off from here on; the interfaces a command then sees: $(unshare -n sh -c "tail -n +3 /proc/self/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' '")"

start=$(date +%s.%N)
if [ "$apt" = 1 ]; then
  step "apt-get install ./$(basename "$deb")"
  check run "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkg"
else
  step "dpkg -i $force $(basename "$deb")"
  check run "dpkg -i $force $pkg"
fi
echo "install took $(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $start}") s"
run "dpkg -s leye-wujiang-assessment | grep -E '^(Status|Version|Architecture)'"

step "leye-wujiang score (the demo year), first start and second start"
for i in 1 2; do
  start=$(date +%s.%N)
  check user "leye-wujiang score > score.txt"
  echo "score took $(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $start}") s"
done
user "head -5 score.txt; wc -l < score.txt"

step "import-json, export-pdf, make-key, export-pdf --sign, verify"
check user "leye-wujiang import-json /opt/leye-wujiang/app/resources/demo/demo-2022.json --to 2022.wjkh"
check user "leye-wujiang export-pdf summary --dataset 2022.wjkh --out 汇总表.pdf && ls -la 汇总表.pdf"
check user "leye-wujiang make-key ~/.config/leye-wujiang/keys/张三.p12 --name 张三"
check user "leye-wujiang export-pdf sheet --dataset 2022.wjkh --unit 苏州松陵众信人力资源有限公司 --out 评分表.pdf --sign ~/.config/leye-wujiang/keys/张三.p12"
check user "leye-wujiang verify 评分表.pdf"
user "ls -la ~ ~/.config/leye-wujiang/keys"
if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$root"/home/clerk/*.pdf "$keep/"; fi

if [ -x "$root/usr/bin/gio" ]; then
  step "file types: what a .wjkh and a .sqlite file are, and what opens them"
  user "cp 2022.wjkh copy.sqlite; for f in 2022.wjkh copy.sqlite; do echo \"\$f: \$(gio info -a standard::content-type \$f | sed -n 's/.*content-type: //p')\"; done"
  user "gio mime application/x-leye-wujiang-year | head -3"
  user "gio mime application/vnd.sqlite3 | head -2; rm copy.sqlite"
  check user "gio info -a standard::content-type 2022.wjkh | grep -q application/x-leye-wujiang-year"
  check user "! gio mime application/vnd.sqlite3 | grep -q leye-wujiang"
fi

if [ -n "$window" ]; then
  step "the desktop under Xvfb, from the menu entry's Exec line"
  exec_line=$(sed -n 's/^Exec=//p' "$root/usr/share/applications/leye-wujiang.desktop" | sed 's/ *%[fFuU]//')
  echo "Exec: $exec_line"
  user "rm -f /tmp/shot.png; xvfb-run -a -s '-screen 0 1366x768x24' sh -c '($exec_line > desktop.log 2>&1 &); sleep ${LEYE_WINDOW_WAIT:-25}; import -window root /tmp/shot.png; xprop -root _NET_ACTIVE_WINDOW >/dev/null 2>&1; xwininfo -root -tree 2>/dev/null | grep -i leye | head -3'"
  cp "$root/tmp/shot.png" "$window" && echo "screenshot: $window" || { echo "no screenshot"; failed=1; }
  user "cat desktop.log | head -20"
  user "ls ~/.local/share/leye-wujiang/ 2>/dev/null"
fi

step "dpkg -r, then dpkg -P: the user's files stay"
check run "dpkg -r leye-wujiang-assessment"
check run "test ! -e /opt/leye-wujiang && test ! -e /usr/bin/leye-wujiang"
check run "dpkg -P leye-wujiang-assessment"
check user "test -f 2022.wjkh && test -f 评分表.pdf && test -f ~/.config/leye-wujiang/keys/张三.p12"
user "ls -la ~"
echo
[ "$failed" = 0 ] && echo "ALL STEPS OK" || echo "SOME STEPS FAILED"
exit "$failed"
