#!/usr/bin/env bash
# Builds the offline Debian package of the program for the office desktops (UOS 20 / Kylin V10):
#
#   installer/build-deb.sh amd64|arm64      -> dist/leye-wujiang-assessment_<version>_<arch>.deb
#
# The package carries its own CPython 3.11 (built here from Debian's source packages inside an old
# system, so that it needs no newer glibc than the target), every wheel of requirements.lock, the
# program (as committed: git HEAD), a CJK TrueType font for the PDFs, the menu entry, the MIME type of
# year files (.wjkh) and a launcher on PATH. It installs with `dpkg -i` / `apt install ./file.deb`
# without network.
#
# glibc floor: amd64 2.28 (PySide6 6.8's x86-64 wheel: manylinux_2_28), arm64 2.31 (PySide6 6.8's
# aarch64 wheel: manylinux_2_31; there is none for an older glibc). The build fails when any ELF file
# of the package needs a newer glibc (installer/linux/elfcheck.py).
#
# Needs: Debian 12 (or similar) as root, network to Debian's archive, Ubuntu's archive (amd64) and
# PyPI, and the tools debootstrap, dpkg-dev, patchelf, python3 with pip, git. The build systems
# (chroots), sources and wheels are kept under build/linux/ (LEYE_BUILD_DIR) and reused; LEYE_CLEAN=1
# rebuilds Python. LEYE_DIST_DIR: where the package goes instead of dist/.
# Environment: JOBS (parallel compile jobs, default 2); LEYE_REUSE_DEPS=1 keeps the static libraries
# of the last Python build (only the CPython step is redone).
set -euo pipefail

arch=${1:-}
case "$arch" in
  amd64) suite=bionic; mirror=http://archive.ubuntu.com/ubuntu; host=""; pyarch=x86_64; glibc=2.28
         maxima=(GLIBC_2.28 GLIBCXX_3.4.25 CXXABI_1.3.11)  # Debian 10's libstdc++ (gcc 8)
         manylinux=28 ;;
  arm64) suite=bullseye; mirror=http://deb.debian.org/debian; host=aarch64-linux-gnu; pyarch=aarch64; glibc=2.31
         maxima=(GLIBC_2.31 GLIBCXX_3.4.28 CXXABI_1.3.12)  # Ubuntu 20.04's libstdc++ (gcc 10)
         manylinux=31 ;;
  *) echo "usage: $0 amd64|arm64" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "build-deb: run as root (debootstrap and chroot need it)" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
here=$repo/installer/linux
build=${LEYE_BUILD_DIR:-$repo/build/linux}
dist=${LEYE_DIST_DIR:-$repo/dist}
name=leye-wujiang-assessment
version=$(git -C "$repo" show HEAD:pyproject.toml | sed -n 's/^version *= *"\(.*\)"/\1/p' | head -1)
[ -n "$version" ] || { echo "build-deb: no version in pyproject.toml" >&2; exit 2; }
say() { echo "build-deb[$arch]: $*" >&2; }
mkdir -p "$build" "$dist"

mounts=()
cleanup() { for ((i=${#mounts[@]}-1; i>=0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done; }
trap cleanup EXIT

# ---------------------------------------------------------------- sources (Debian's archive)
aptdir=$build/apt
apt_opts=(-o Dir::Etc::SourceList="$aptdir/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists="$aptdir/lists" -o Dir::Cache="$aptdir/cache" -o Debug::NoLocking=1
          -o APT::Sandbox::User=root)
fetch_sources() {
  local dir=$build/sources missing=0
  mkdir -p "$dir" "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
  while read -r kind pkg file sum; do
    [ -f "$dir/$file" ] && echo "$sum  $dir/$file" | sha256sum -c --quiet 2>/dev/null && continue
    missing=1
  done < <(grep -E '^(src|deb) ' "$here/sources.lock")
  [ "$missing" = 0 ] && return 0
  say "fetching sources from Debian's archive"
  cat > "$aptdir/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm-updates main
deb-src http://deb.debian.org/debian-security bookworm-security main
EOF
  apt-get "${apt_opts[@]}" update -qq
  (cd "$dir"
   for pkg in $(awk '$1 == "src" {print $2}' "$here/sources.lock" | sort -u); do
     apt-get "${apt_opts[@]}" source --download-only -qq "$pkg" >/dev/null 2>&1 || true  # checked below
   done
   for pkg in $(awk '$1 == "deb" {print $2}' "$here/sources.lock" | sort -u); do
     apt-get "${apt_opts[@]}" download -qq "$pkg" >/dev/null 2>&1 || true
   done)
  local bad=0
  while read -r kind pkg file sum; do
    if ! echo "$sum  $dir/$file" | sha256sum -c --quiet 2>/dev/null; then
      say "missing or wrong: $file ($pkg)"; bad=1
    fi
  done < <(grep -E '^(src|deb) ' "$here/sources.lock")
  [ "$bad" = 0 ] || { say "sources do not match installer/linux/sources.lock"; exit 1; }
}

unpack_sources() {
  local src=$build/src stamp
  stamp=$(sha256sum "$here/sources.lock" "$here/python-patches.txt" | sha256sum | cut -c1-16)
  [ -f "$src/.stamp-$stamp" ] && return 0
  say "unpacking sources"
  rm -rf "$src"; mkdir -p "$src"
  local s=$build/sources
  for pkg in zlib bzip2 xz-utils libffi expat sqlite3; do
    dsc=$(awk -v p="$pkg" '$1 == "src" && index($2, p "=") == 1 && $3 ~ /\.dsc$/ {print $3}' "$here/sources.lock")
    dpkg-source -q -x "$s/$dsc" "$src/$pkg" >/dev/null 2>&1
  done
  mkdir -p "$src/openssl"
  tar -C "$src/openssl" --strip-components=1 -xzf "$s/$(awk '$1 == "src" && $3 ~ /^openssl_.*orig.tar.gz$/ {print $3}' "$here/sources.lock")"
  # python3.11: upstream 3.11.2 plus Debian's upstream fixes (CVE patches), not its Debian layout.
  dpkg-source -q --skip-patches -x "$s/$(awk '$1 == "src" && $3 ~ /^python3.11_.*dsc$/ {print $3}' "$here/sources.lock")" \
    "$src/python3.11" >/dev/null 2>&1
  while read -r p; do
    patch -d "$src/python3.11" -p1 --forward -s < "$src/python3.11/debian/patches/$p" ||
      { say "python patch $p does not apply"; exit 1; }
  done < <(grep -v '^#' "$here/python-patches.txt" | grep .)
  touch "$src/.stamp-$stamp"
}

# ---------------------------------------------------------------- the build system (chroot)
chroot_dir=$build/chroots/$suite-build
[ "$arch" = arm64 ] && chroot_dir=$build/chroots/bullseye-cross-build
make_chroot() {
  [ -f "$chroot_dir/.leye-ready" ] && return 0
  say "making the build system $suite in $chroot_dir (once)"
  rm -rf "$chroot_dir"; mkdir -p "$(dirname "$chroot_dir")"
  local extra=() include=build-essential,perl,tcl8.6,pkg-config,xz-utils,cmake,file
  if [ "$arch" = amd64 ]; then
    # Ubuntu's archive key, from its keyring package (checked against the fingerprints below)
    local kr=$build/ubuntu-keyring
    if [ ! -f "$kr/usr/share/keyrings/ubuntu-archive-keyring.gpg" ]; then
      mkdir -p "$kr"
      curl -fsS -o "$kr/k.deb" "$mirror/pool/main/u/ubuntu-keyring/ubuntu-keyring_2018.09.18.1~18.04.2_all.deb"
      echo "5d8609563fb3074026b254d7d5248f90d393c7dbafcac48916f333bf3c90fed9  $kr/k.deb" | sha256sum -c --quiet
      dpkg-deb -x "$kr/k.deb" "$kr"
    fi
    extra=(--keyring="$kr/usr/share/keyrings/ubuntu-archive-keyring.gpg" --components=main,universe)
  else
    include=$include,crossbuild-essential-arm64
  fi
  debootstrap --variant=minbase --arch=amd64 --include="$include" "${extra[@]}" "$suite" "$chroot_dir" "$mirror" \
    > "$build/debootstrap-$suite.log" 2>&1 || { say "debootstrap failed: $build/debootstrap-$suite.log"; exit 1; }
  touch "$chroot_dir/.leye-ready"
}

in_chroot() {  # in_chroot CMD...: runs in the build system with /proc, /dev and the repository's build dir
  mountpoint -q "$chroot_dir/proc" || { mount -t proc proc "$chroot_dir/proc"; mounts+=("$chroot_dir/proc"); }
  mkdir -p "$chroot_dir/leye"
  mountpoint -q "$chroot_dir/leye" || { mount --bind "$build" "$chroot_dir/leye"; mounts+=("$chroot_dir/leye"); }
  chroot "$chroot_dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 JOBS="${JOBS:-2}" LEYE_REUSE_DEPS="${LEYE_REUSE_DEPS:-0}" "$@"
}

# Libraries Qt 6.8's X11 plugin needs that a Qt 5 desktop (UOS 20, Kylin V10) may lack: xcb-util-cursor
# (new with Qt 6.5) and xcb-util 0.4 (Debian 10 has only libxcb-util.so.0). MIT licence.
bundled_debs=(libxcb-cursor0 libxcb-util1)
fetch_bundled() {
  local out=$build/$arch/bundled
  [ -f "$out/.done" ] && return 0
  rm -rf "$out"; mkdir -p "$out"
  local pkgs=("${bundled_debs[@]}")
  if [ "$arch" = arm64 ]; then
    in_chroot sh -c 'dpkg --print-foreign-architectures | grep -q arm64 || dpkg --add-architecture arm64; apt-get update -qq'
    pkgs=("${pkgs[@]/%/:arm64}")
  else
    in_chroot sh -c 'grep -q universe /etc/apt/sources.list || sed -i "s/ main$/ main universe/" /etc/apt/sources.list; apt-get update -qq'
  fi
  in_chroot sh -c "mkdir -p /tmp/leye-debs && cd /tmp/leye-debs && rm -f *.deb && apt-get download -qq ${pkgs[*]}"
  for deb in "$chroot_dir"/tmp/leye-debs/*.deb; do
    dpkg-deb -x "$deb" "$out/x"
    cp "$deb" "$out/"
  done
  touch "$out/.done"
}

build_python() {
  local out=$build/$arch/python stamp
  stamp=$(cat "$here/build-python.sh" "$here/sources.lock" "$here/python-patches.txt" | sha256sum | cut -c1-16)
  if [ -f "$out/.stamp-$stamp" ] && [ "${LEYE_CLEAN:-0}" != 1 ]; then return 0; fi
  say "building CPython 3.11 in $suite (log: $build/$arch/build-python.log)"
  rm -rf "$out/opt" "$out"/.stamp-*; mkdir -p "$out"
  [ "${LEYE_REUSE_DEPS:-0}" = 1 ] || rm -rf "$out/buildpy"
  cp "$here/build-python.sh" "$build/$arch/build-python.sh"
  in_chroot bash "/leye/$arch/build-python.sh" /leye/src "/leye/$arch/python" $host \
    > "$build/$arch/build-python.log" 2>&1 || { tail -30 "$build/$arch/build-python.log"; say "CPython build failed"; exit 1; }
  touch "$out/.stamp-$stamp"
}

# ---------------------------------------------------------------- wheels (PyPI, hash-checked)
fetch_wheels() {
  local out=$build/wheels-$pyarch plats=()
  for ((v=manylinux; v>=17; v--)); do plats+=(--platform "manylinux_2_${v}_$pyarch"); done
  plats+=(--platform "manylinux2014_$pyarch")
  say "wheels for $pyarch (manylinux up to glibc 2.$manylinux), checked against requirements.lock"
  git -C "$repo" show HEAD:requirements.lock > "$build/requirements.lock"
  python3 -m pip download -q --disable-pip-version-check --only-binary=:all: --no-deps --require-hashes \
    "${plats[@]}" --python-version 3.11 --implementation cp -d "$out" -r "$build/requirements.lock"
  echo "$out"
}

# ---------------------------------------------------------------- the package tree
stage=$build/$arch/root
opt=$stage/opt/leye-wujiang
assemble() {
  local wheels=$1
  say "assembling $stage"
  rm -rf "$stage"; mkdir -p "$opt"
  cp -a "$build/$arch/python/opt/leye-wujiang/python" "$opt/python"
  # the interpreter is linked with these; nothing else needs them
  rm -f "$opt/python/lib/libpython3.11.a" "$opt"/python/lib/python3.11/config-3.11-*/python.o
  local site=$opt/python/lib/python3.11/site-packages
  local plats=()
  for ((v=manylinux; v>=17; v--)); do plats+=(--platform "manylinux_2_${v}_$pyarch"); done
  plats+=(--platform "manylinux2014_$pyarch")
  python3 -m pip install -q --disable-pip-version-check --no-index --find-links "$wheels" --no-deps \
    --only-binary=:all: --require-hashes "${plats[@]}" --python-version 3.11 --implementation cp \
    --no-compile --target "$site" -r "$build/requirements.lock"
  rm -rf "$site/bin"  # console scripts written for this machine's Python; the program needs none
  find "$site" -name __pycache__ -prune -exec rm -rf {} +
  trim_qt "$site/PySide6"

  # Qt's X11 plugin libraries a Qt 5 desktop may lack, found through Qt's own RUNPATH ($ORIGIN)
  local qtlib=$site/PySide6/Qt/lib
  for so in "$build/$arch"/bundled/x/usr/lib/*/libxcb-cursor.so.0* "$build/$arch"/bundled/x/usr/lib/*/libxcb-util.so.1*; do
    [ -L "$so" ] && continue
    cp "$so" "$qtlib/"
  done
  (cd "$qtlib" && ln -sf libxcb-cursor.so.0.* libxcb-cursor.so.0 && ln -sf libxcb-util.so.1.* libxcb-util.so.1)
  patchelf --set-rpath '$ORIGIN' "$qtlib"/libxcb-cursor.so.0.*

  # the program, as committed
  mkdir -p "$opt/app"
  git -C "$repo" archive HEAD main.py core ui cli resources | tar -C "$opt/app" -x
  # the CJK TrueType font of the PDFs (and of the screen, through fonts.conf)
  local fontdir=$build/$arch/font
  rm -rf "$fontdir"; dpkg-deb -x "$build"/sources/fonts-wqy-zenhei_*_all.deb "$fontdir"
  cp "$fontdir/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc" "$opt/app/resources/fonts/"
  cp "$here/fonts.conf" "$opt/fonts.conf"

  # launcher, menu entry, MIME type, icons
  install -D -m 755 "$here/leye-wujiang" "$stage/usr/bin/leye-wujiang"
  install -D -m 644 "$here/leye-wujiang.desktop" "$stage/usr/share/applications/leye-wujiang.desktop"
  install -D -m 644 "$here/leye-wujiang-mime.xml" "$stage/usr/share/mime/packages/leye-wujiang.xml"
  for size in 16 32 48 64 128 256 512; do
    install -D -m 644 "$repo/resources/icons/app-$size.png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/leye-wujiang.png"
  done

  # licences: ours, then those of what the package carries
  local doc=$stage/usr/share/doc/$name
  mkdir -p "$doc/third-party"
  cp "$here/copyright" "$doc/copyright"
  for pkg in zlib bzip2 xz-utils libffi expat sqlite3 python3.11; do
    cp "$build/src/$pkg/debian/copyright" "$doc/third-party/$pkg.copyright"
  done
  cp "$build/src/openssl/LICENSE.txt" "$doc/third-party/openssl.LICENSE.txt"
  cp "$fontdir/usr/share/doc/fonts-wqy-zenhei/copyright" "$doc/third-party/fonts-wqy-zenhei.copyright"
  for deb in "${bundled_debs[@]}"; do
    cp "$build/$arch/bundled/x/usr/share/doc/$deb/copyright" "$doc/third-party/$deb.copyright"
  done
  (cd "$site" && ls -d *.dist-info) > "$doc/third-party/python-packages.txt"  # each has its licence inside
}

trim_qt() {  # installer/linux/qt-trim.txt: Qt's development tools and the QML/Quick stack
  local pyside=$1 kind pattern
  while read -r kind pattern; do
    case "$kind" in
      module) find "$pyside" -maxdepth 1 -name "$pattern.abi3.so" -delete
              find "$pyside/Qt/lib" -maxdepth 1 -name "libQt6${pattern#Qt}.so*" -delete ;;
      path)   for f in "${pyside:?}"/$pattern; do rm -rf "$f"; done ;;  # the pattern is a glob under PySide6/
    esac
  done < <(grep -E '^(module|path) ' "$here/qt-trim.txt")
  # Qt's own texts: the program shows Chinese, or English where a catalogue for it exists
  find "$pyside/Qt/translations" -name '*.qm' ! -name '*_zh_CN.qm' ! -name '*_en.qm' -delete
}

byte_compile() {
  # unchecked-hash: the installed files never change, so Python never stats the sources to validate.
  local py=/leye/$arch/root/opt/leye-wujiang/python/bin/python3.11
  [ "$arch" = arm64 ] && py=/leye/$arch/python/buildpy/bin/python3.11
  say "byte-compiling"
  in_chroot "$py" -E -s -m compileall -q -j 1 --invalidation-mode unchecked-hash \
    -s "/leye/$arch/root" -p / "/leye/$arch/root/opt/leye-wujiang" > "$build/$arch/compileall.log" 2>&1 ||
    { grep -v '^Listing' "$build/$arch/compileall.log" | tail -20; say "byte-compiling failed"; exit 1; }
  # The generated methods of core's dataclasses (core/common/method_cache.py), written as a first start
  # writes them beside the bytecode: a user cannot write into the installed folder.
  in_chroot "$py" -E -s -c 'import sys; sys.path.insert(0, sys.argv[1]); import core.editing.session, core.store.audit_check, core.store.demo' \
    "/leye/$arch/root/opt/leye-wujiang/app" && compgen -G "$opt/app/core/__pycache__/generated-methods.*" >/dev/null ||
    { say "compiling the dataclasses' methods failed"; exit 1; }
}

check_elves() {
  say "glibc floor ($glibc) and libraries from the system"
  python3 "$here/elfcheck.py" floor "$stage" "${maxima[@]/#/--max=}" | tee "$build/$arch/floor.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || { say "an ELF file needs a newer glibc/libstdc++ than the target has"; exit 1; }
  python3 "$here/elfcheck.py" needs "$stage" --map "$here/system-libs.txt" --depends-out "$build/$arch/depends.txt" \
    | tee "$build/$arch/needs.txt"
  [ "${PIPESTATUS[0]}" = 0 ] || { say "libraries not in the package and not in installer/linux/system-libs.txt"; exit 1; }
}

make_deb() {
  local debian=$stage/DEBIAN size depends
  mkdir -p "$debian"
  depends="libc6 (>= $glibc), $(cat "$build/$arch/depends.txt")"
  size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$size/" \
      -e "s/@GLIBC@/$glibc/" "$here/control.in" > "$debian/control"
  install -m 755 "$here/postrm" "$debian/postrm"
  (cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$debian/md5sums"
  local deb=$dist/${name}_${version}_$arch.deb
  dpkg-deb --root-owner-group -Zxz -z6 --build "$stage" "$deb" >/dev/null
  say "$deb: $(du -h "$deb" | cut -f1) (installed: $((size / 1024)) MB)"
}

fetch_sources
unpack_sources
make_chroot
fetch_bundled
build_python
wheels=$(fetch_wheels)
assemble "$wheels"
byte_compile
check_elves
make_deb
