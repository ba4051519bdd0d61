#!/usr/bin/env bash
# Build the Linux one-folder bundle from this checkout, smoke-test it, and pack it.
#
#     bash packaging/build.sh
#
# 1. a fresh virtual environment in packaging/build/venv with the app's
#    dependencies (from pyproject.toml) and PyInstaller;
# 2. PyInstaller with packaging/pyinstaller/shelterdesk.spec → packaging/dist/shelterdesk/
#    (packaging/pyinstaller/build_bundle.py, which also runs the first smoke test);
# 3. the smoke test: the bundled executable prints --version and passes --self-test
#    off screen with an empty environment (no PATH to any Python), and - where this
#    runs as root with unshare - again with every Python on the machine hidden and
#    no network at all (packaging/linux/smoke_test.sh);
# 4. packaging/linux/package.sh packs it as packaging/dist/ShelterDesk-<version>-linux-<arch>.tar.gz
#    (and an AppImage where appimagetool is installed), and the packed copy is
#    unpacked elsewhere and self-tested again: the bundle must not care where it lives.
# Prints the unpacked size (target: under 200 MB; SHELTERDESK_MAX_BUNDLE_MB to change)
# and how long the build took. Build outputs stay in packaging/build and packaging/dist
# (both ignored by git).
set -euo pipefail
started=$(date +%s)
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/packaging/build
DIST=$ROOT/packaging/dist
BUNDLE=$DIST/shelterdesk
MAX_MB=${SHELTERDESK_MAX_BUNDLE_MB:-200}
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\n== %s\n' "$*"; }

# --- the machine ---------------------------------------------------------------------------
# PyInstaller reads each library's dependencies with ldd and objdump (binutils); Qt
# needs the system libraries of packaging/linux/debian-packages.txt (EGL/GL, xcb,
# xkbcommon, fontconfig, D-Bus) to start, even off screen (they are the desktop's,
# so the bundle uses the user's own). The same list the README and .ci/run use.
need=()
# shellcheck disable=SC2046
for pkg in binutils $(sed 's/#.*//' "$ROOT/packaging/linux/debian-packages.txt"); do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        say "installing ${need[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
    else
        echo "missing system packages: ${need[*]} (install them, then run again)" >&2
        exit 1
    fi
fi
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Python 3.11 or newer is needed to build (the bundle then needs none)" >&2; exit 1; }

# --- the build environment and the bundle -------------------------------------------------
# A fresh venv: the bundle must not depend on what happens to be installed here.
# The app itself is not installed into it; PyInstaller takes it from this checkout.
say "build environment"
rm -rf "$BUILD/venv"
python3 -m venv "$BUILD/venv"
"$BUILD/venv/bin/python" -m pip install -q --upgrade pip
VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')

# Dependencies + PyInstaller, the build, and the first smoke test (--version and
# --self-test with PATH=/nonexistent, a fresh HOME and QT_QPA_PLATFORM=offscreen):
# the same script the Windows and macOS builds run.
say "PyInstaller, then the smoke test of packaging/dist/shelterdesk"
"$BUILD/venv/bin/python" packaging/pyinstaller/build_bundle.py

# --- the smoke test, harder -----------------------------------------------------------------
# shellcheck source=packaging/linux/smoke_test.sh
. "$ROOT/packaging/linux/smoke_test.sh"
say "smoke test: packaging/dist/shelterdesk, with no Python and no network"
smoke_test "$BUNDLE" "$VERSION"

size_mb=$(( $(du -sb "$BUNDLE" | cut -f1) / 1000000 ))

# --- the packages ---------------------------------------------------------------------------
say "packages"
bash packaging/linux/package.sh "$BUNDLE" "$VERSION" "$DIST"
tarball=$(ls "$DIST"/ShelterDesk-"$VERSION"-linux-*.tar.gz)
say "smoke test: unpacked from $(basename "$tarball")"
unpacked=$(mktemp -d)
tar -xzf "$tarball" -C "$unpacked"
smoke_test "$unpacked/ShelterDesk-$VERSION" "$VERSION"
rm -rf "$unpacked"

say "done"
ls -l "$DIST"/ShelterDesk-"$VERSION"-* | sed 's/^/  /'
echo "bundle size: ${size_mb} MB unpacked (target: under ${MAX_MB} MB), $(( $(stat -c %s "$tarball") / 1000000 )) MB as .tar.gz"
echo "build time: $(( $(date +%s) - started )) s"
if [ "$size_mb" -ge "$MAX_MB" ]; then
    echo "the bundle is over its size target: see what grew (du -sh $BUNDLE/_internal/* | sort -h)" >&2
    exit 1
fi
