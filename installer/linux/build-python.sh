#!/bin/bash
# Builds the program's own CPython 3.11 inside an old build system (run by installer/build-deb.sh in a
# chroot: Ubuntu 18.04 for amd64, Debian 11 with a cross compiler for arm64), so that it needs nothing
# newer from the target machine than that system's glibc.
#
#   build-python.sh SRC OUT [HOST]
#
# SRC: the unpacked source trees (python3.11, openssl, sqlite3, libffi, zlib, bzip2, xz-utils, expat);
# OUT: gets OUT/opt/leye-wujiang/python (the installed interpreter) and OUT/buildpy (cross builds only:
# the interpreter of the build machine that byte-compiles). HOST: a GNU triplet to cross-compile for
# (aarch64-linux-gnu); empty for a native build.
#
# Every library the interpreter uses beyond glibc (OpenSSL, SQLite, libffi, zlib, bzip2, liblzma,
# expat) is built as a position-independent static library and linked into the extension modules:
# the interpreter's ELF files then need only glibc's libraries.
set -euo pipefail
src=$1; out=$2; host=${3:-}
prefix=/opt/leye-wujiang/python
work=/tmp/leye-python-build
deps=$work/deps
jobs=${JOBS:-2}
# LEYE_REUSE_DEPS=1 keeps the static libraries of an earlier run (when only the Python step changed)
if [ "${LEYE_REUSE_DEPS:-0}" = 1 ] && [ -f "$deps/.done" ]; then
  find "$work" -mindepth 1 -maxdepth 1 ! -name deps -exec rm -rf {} +
  reuse=1
else
  rm -rf "$work"; mkdir -p "$work" "$deps/lib" "$deps/include"
  reuse=0
fi
say() { echo "build-python: $*" >&2; }

if [ -n "$host" ]; then
  cc=$host-gcc; ar=$host-ar; ranlib=$host-ranlib; strip=$host-strip; hostflag=(--host="$host")
else
  cc=gcc; ar=ar; ranlib=ranlib; strip=strip; hostflag=()
fi
export CFLAGS="-O2 -fPIC" CC=$cc AR=$ar RANLIB=$ranlib
copy() { rm -rf "$work/$1"; cp -a "$src/$1" "$work/$1"; cd "$work/$1"; }

build_deps() {
say "zlib"
copy zlib
CHOST=$host ./configure --static --prefix="$deps" >/dev/null
make -j"$jobs" libz.a >/dev/null
make install >/dev/null

say "bzip2"
copy bzip2
make -j"$jobs" CC="$cc" AR="$ar" RANLIB="$ranlib" CFLAGS="$CFLAGS -D_FILE_OFFSET_BITS=64" libbz2.a >/dev/null
cp libbz2.a "$deps/lib/"; cp bzlib.h "$deps/include/"

say "xz (liblzma)"
copy xz-utils
./configure "${hostflag[@]}" --prefix="$deps" --libdir="$deps/lib" --disable-shared --enable-static --with-pic \
  --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links --disable-scripts \
  --disable-doc --disable-nls >/dev/null
make -j"$jobs" -C src/liblzma >/dev/null
make -C src/liblzma install >/dev/null

say "libffi"
copy libffi
./configure "${hostflag[@]}" --prefix="$deps" --libdir="$deps/lib" --disable-shared --enable-static --with-pic \
  --disable-docs --disable-multi-os-directory >/dev/null
make -j"$jobs" >/dev/null
make install >/dev/null

say "expat"
copy expat
cross_cmake=()
[ -n "$host" ] && cross_cmake=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="${host%%-*}")
mkdir bld && cd bld  # (cmake 3.10 of Ubuntu 18.04 has no -S/-B)
cmake ../expat "${cross_cmake[@]}" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_INSTALL_PREFIX="$deps" -DCMAKE_INSTALL_LIBDIR=lib \
  -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF \
  -DEXPAT_BUILD_DOCS=OFF -DEXPAT_BUILD_PKGCONFIG=ON >/dev/null
# Debian's patches test `#if XML_DTD == 1`, as the autotools build defines it; cmake defines it empty.
sed -i 's/^#define XML_DTD$/#define XML_DTD 1/; s/^#define XML_NS$/#define XML_NS 1/' expat_config.h
make -j"$jobs" >/dev/null
make install >/dev/null

say "SQLite"
copy sqlite3
mkdir bld && cd bld
# The amalgamation is generated with the build machine's compiler and tclsh, then compiled for the host.
CC=gcc CFLAGS=-O2 ../configure --disable-tcl >/dev/null
make sqlite3.c >/dev/null
# Debian's compile-time options, so the program sees the same SQLite as on a Debian 12 developer machine.
"$cc" $CFLAGS -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3 \
  -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE=1 \
  -DSQLITE_SOUNDEX=1 -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 \
  -DSQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_MATH_FUNCTIONS \
  -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_THREADSAFE=1 -DSQLITE_USE_URI=1 -DSQLITE_MAX_SCHEMA_RETRY=25 \
  -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_STMTVTAB \
  -DSQLITE_MAX_VARIABLE_NUMBER=250000 -c sqlite3.c -o sqlite3.o
"$ar" rcs "$deps/lib/libsqlite3.a" sqlite3.o
cp sqlite3.h sqlite3ext.h "$deps/include/"

say "OpenSSL"
copy openssl
case "$host" in
  aarch64-linux-gnu) target=(linux-aarch64 --cross-compile-prefix="$host-") ;;
  "") target=(linux-x86_64) ;;
  *) say "unknown host $host"; exit 2 ;;
esac
# The cross prefix is given to Configure: CC etc. must then be the plain names.
CC=gcc AR=ar RANLIB=ranlib ./Configure "${target[@]}" no-shared no-tests -fPIC --prefix="$deps" --libdir=lib \
  --openssldir=/etc/ssl >/dev/null
CC=gcc AR=ar RANLIB=ranlib make -j"$jobs" >/dev/null 2>&1
make install_sw >/dev/null
touch "$deps/.done"
}

if [ "$reuse" = 1 ]; then say "reusing the static libraries in $deps"; else build_deps; fi
unset CC AR RANLIB CFLAGS

pyexpat_fix() {
  # Debian's backport of the CVE-2026-4224 fix includes an internal header in pyexpat.c, which Debian
  # builds into the interpreter (Py_BUILD_CORE_BUILTIN); setup.py builds it as a shared module here.
  sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\n#  define Py_BUILD_CORE_MODULE 1\n#endif' Modules/pyexpat.c
}

python_configure() {  # the options both interpreters share
  ./configure --without-ensurepip --disable-test-modules --without-readline \
    py_cv_module__crypt=n/a py_cv_module_nis=n/a py_cv_module__tkinter=n/a py_cv_module__dbm=n/a \
    py_cv_module__gdbm=n/a py_cv_module__curses=n/a py_cv_module__curses_panel=n/a "$@" >/dev/null
}

buildpy=""
if [ -n "$host" ] && [ "$reuse" = 1 ] && [ -x "$out/buildpy/bin/python3.11" ]; then
  say "reusing the build machine's CPython in $out/buildpy"
  buildpy=$out/buildpy/bin/python3.11
elif [ -n "$host" ]; then
  say "CPython for the build machine (cross builds byte-compile and run setup with it)"
  copy python3.11
  pyexpat_fix
  python_configure --prefix="$out/buildpy"
  make -j"$jobs" >/dev/null 2>&1
  make install >/dev/null 2>&1
  buildpy=$out/buildpy/bin/python3.11
fi

say "CPython"
copy python3.11
pyexpat_fix
cross=()
[ -n "$host" ] && cross=(--host="$host" --build=x86_64-linux-gnu --with-build-python="$buildpy"
                        ac_cv_file__dev_ptmx=yes ac_cv_file__dev_ptc=no ac_cv_buggy_getaddrinfo=no)
export PKG_CONFIG_LIBDIR=$deps/lib/pkgconfig PKG_CONFIG_PATH=$deps/lib/pkgconfig
# --no-as-needed: Ubuntu's gcc links --as-needed, which would drop the libm/libpthread/libdl that the
# static libraries (SQLite, OpenSSL) need, as they come after them on configure's test lines.
python_configure "${cross[@]}" --prefix="$prefix" --with-openssl="$deps" --with-system-expat --with-system-ffi \
  CC="$cc" CPPFLAGS="-I$deps/include" LDFLAGS="-Wl,--no-as-needed -L$deps/lib" LIBS="-lpthread -ldl -lm" \
  ZLIB_CFLAGS="-I$deps/include" ZLIB_LIBS="-L$deps/lib -lz" \
  BZIP2_CFLAGS="-I$deps/include" BZIP2_LIBS="-L$deps/lib -lbz2" \
  LIBLZMA_CFLAGS="-I$deps/include" LIBLZMA_LIBS="-L$deps/lib -llzma" \
  LIBFFI_CFLAGS="-I$deps/include" LIBFFI_LIBS="-L$deps/lib -lffi" \
  LIBSQLITE3_CFLAGS="-I$deps/include" LIBSQLITE3_LIBS="-L$deps/lib -lsqlite3 -lm" \
  LIBEXPAT_CFLAGS="-I$deps/include" LIBEXPAT_LDFLAGS="-L$deps/lib -lexpat"
make -j"$jobs" >"$work/python-make.log" 2>&1 || { tail -40 "$work/python-make.log"; exit 1; }
rm -rf "$out/opt"
make install DESTDIR="$out" >"$work/python-install.log" 2>&1 || { tail -40 "$work/python-install.log"; exit 1; }
# The modules setup could not build are listed at the end of the build log; the ones we need must be there.
grep -A12 'necessary bits to build these optional modules' "$work/python-make.log" >&2 || true
grep -A12 'Failed to build these modules' "$work/python-make.log" >&2 && exit 1
for m in _sqlite3 _ssl _hashlib _ctypes pyexpat _elementtree _lzma _bz2 zlib _decimal _json _socket select \
         _multiprocessing _posixsubprocess _struct binascii math unicodedata array _datetime _zoneinfo; do
  ls "$out$prefix"/lib/python3.11/lib-dynload/"$m".cpython-311-*.so >/dev/null 2>&1 ||
    { say "the module $m was not built"; exit 1; }
done

say "trimming and stripping"
root=$out$prefix
lib=$root/lib/python3.11
rm -rf "$root/include" "$root/share" "$root/lib/pkgconfig" "$lib"/config-3.11-*/*.a \
       "$lib/idlelib" "$lib/tkinter" "$lib/turtledemo" "$lib/turtle.py" "$lib/ensurepip" "$lib/lib2to3/tests"
rm -f "$root"/bin/idle3* "$root"/bin/pydoc3* "$root"/bin/2to3*
find "$root" -name __pycache__ -prune -exec rm -rf {} +   # byte-compiled again once the package is assembled
"$strip" --strip-unneeded "$root/bin/python3.11" "$lib"/lib-dynload/*.so
say "done: $root"
