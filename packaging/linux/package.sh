#!/usr/bin/env bash
# Pack a built one-folder bundle for Linux users.
#
#     bash packaging/linux/package.sh BUNDLE_DIR VERSION OUT_DIR
#
# (packaging/build.sh calls it after its smoke test.) Makes
#   OUT_DIR/ShelterDesk-VERSION-linux-ARCH.tar.gz   always: unpack anywhere, run ./shelterdesk,
#                                                   or ./install-desktop-entry.sh for a menu entry
#   OUT_DIR/ShelterDesk-VERSION-ARCH.AppImage       only where `appimagetool` is on PATH
# The AppImage needs appimagetool and its runtime, which come from the AppImage
# project's own downloads, not from PyPI, Debian or npm (the PyPI and npm AppImage
# helpers all fetch them from there at run time); where it is missing this says so
# and makes only the tarball. The GitHub workflow (.github/workflows/package.yml)
# installs it and builds both.
set -euo pipefail
bundle=$(cd "$1" && pwd)
version=$2
out=$(mkdir -p "$3" && cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
arch=$(uname -m)
name=ShelterDesk-$version
icons=$root/packaging/build/pyinstaller/generated/icons  # rendered by the spec from app.svg

[ -x "$bundle/shelterdesk" ] || { echo "no bundle at $bundle" >&2; exit 1; }

# --- the tarball ---------------------------------------------------------------------------
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -a "$bundle" "$stage/$name"
cp "$here/shelterdesk.desktop" "$stage/$name/shelterdesk.desktop"
cp "$root/resources/icons/app.svg" "$stage/$name/shelterdesk.svg"
[ -f "$icons/shelterdesk.png" ] && cp "$icons/shelterdesk.png" "$stage/$name/shelterdesk.png"
cp "$here/install-desktop-entry.sh" "$stage/$name/install-desktop-entry.sh"
chmod +x "$stage/$name/install-desktop-entry.sh"
tarball=$out/$name-linux-$arch.tar.gz
# Files owned by root (0) in the archive: it names none of the build machine's users.
tar --owner=0 --group=0 --numeric-owner --sort=name -C "$stage" -czf "$tarball" "$name"
echo "tarball: $tarball"

# --- the AppImage --------------------------------------------------------------------------
appimagetool=${APPIMAGETOOL:-$(command -v appimagetool || true)}
if [ -z "$appimagetool" ]; then
    echo "AppImage: skipped (appimagetool is not installed here; it is not in the PyPI," \
         "Debian or npm registries). The tarball above is the Linux package."
    exit 0
fi
appdir=$stage/ShelterDesk.AppDir
mkdir -p "$appdir/usr/lib" "$appdir/usr/share/applications" \
    "$appdir/usr/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$appdir/usr/lib/shelterdesk"
cp "$here/shelterdesk.desktop" "$appdir/shelterdesk.desktop"
cp "$here/shelterdesk.desktop" "$appdir/usr/share/applications/shelterdesk.desktop"
cp "$root/resources/icons/app.svg" "$appdir/shelterdesk.svg"
cp "$root/resources/icons/app.svg" "$appdir/usr/share/icons/hicolor/scalable/apps/shelterdesk.svg"
cat > "$appdir/AppRun" <<'APPRUN'
#!/bin/sh
# The AppImage's entry point: the bundled executable, with the arguments given.
here=$(dirname "$(readlink -f "$0")")
exec "$here/usr/lib/shelterdesk/shelterdesk" "$@"
APPRUN
chmod +x "$appdir/AppRun"
ARCH=$arch "$appimagetool" --no-appstream "$appdir" "$out/$name-$arch.AppImage"
echo "AppImage: $out/$name-$arch.AppImage"
