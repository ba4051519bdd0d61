#!/bin/sh
# Put ShelterDesk into this user's application menu (no root needed), or take it out.
#
#     ./install-desktop-entry.sh            add the menu entry for the copy in this folder
#     ./install-desktop-entry.sh --remove   remove the menu entry
#
# Only the menu entry is written or removed. The vault - the encrypted records in
# ~/.local/share/ShelterDesk - is never touched: deleting this folder or the entry
# leaves it where it is for the next installation.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
applications=${XDG_DATA_HOME:-$HOME/.local/share}/applications
entry=$applications/shelterdesk.desktop

if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry"
    echo "removed $entry (your vault in ${XDG_DATA_HOME:-$HOME/.local/share}/ShelterDesk is kept)"
    exit 0
fi
mkdir -p "$applications"
# The shipped entry, pointed at this folder: Exec and TryExec by absolute path, the SVG icon.
sed -e "s|^Exec=.*|Exec=\"$here/shelterdesk\"|" \
    -e "s|^TryExec=.*|TryExec=$here/shelterdesk|" \
    -e "s|^Icon=.*|Icon=$here/shelterdesk.svg|" \
    "$here/shelterdesk.desktop" > "$entry.tmp"
mv "$entry.tmp" "$entry"
command -v update-desktop-database >/dev/null && update-desktop-database "$applications" || true
echo "ShelterDesk is in your application menu ($entry)"
