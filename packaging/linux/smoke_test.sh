# shellcheck shell=bash
# smoke_test BUNDLE_DIR VERSION - the checks packaging/build.sh runs on a built bundle.
#
# The bundled executable must answer --version and pass --self-test off screen:
#  - with an empty environment: no PATH to any Python, a fresh HOME;
#  - on a virtual X display (xvfb-run), where there is one, through the xcb plugin;
#  - where we are root and have unshare: again inside new mount and network namespaces
#    in which every Python on this machine is hidden (its directories covered by
#    empty tmpfs mounts, its executables by /dev/null) and the only network
#    interface is a loopback that is down. That is "a laptop with no Python and
#    no network", as near as one machine gets to it.
# Sourced, not run, so build.sh can call it on the build and on the unpacked tarball.

smoke_fail() { echo "smoke test FAILED: $*" >&2; exit 1; }

# Every Python installation this machine has, for hiding (globs that match nothing vanish).
python_places() {
    local places=(/usr/lib/python3* /usr/local/lib/python3* /usr/bin/python3* /usr/local/bin/python3*
                  /usr/bin/python /usr/local/bin/python "${PYENV_ROOT:-}" /root/.pyenv
                  "$HOME/.pyenv" /opt/hostedtoolcache "$ROOT/packaging/build/venv" "$ROOT/.venv")
    local place
    for place in "${places[@]}"; do
        if [ -n "$place" ] && [ -e "$place" ]; then printf '%s\n' "$place"; fi
    done | sort -u
}

smoke_test() {
    local bundle=$1 version=$2 exe=$1/shelterdesk home out
    [ -x "$exe" ] || smoke_fail "no executable at $exe"
    home=$(mktemp -d)

    out=$(env -i PATH=/nonexistent HOME="$home" "$exe" --version)
    [ "$out" = "ShelterDesk $version" ] || smoke_fail "--version printed '$out'"
    echo "--version: $out"

    echo "--self-test, empty environment (PATH=/nonexistent):"
    env -i PATH=/nonexistent HOME="$home" QT_QPA_PLATFORM=offscreen \
        "$exe" --self-test || smoke_fail "--self-test"

    if [ "$(id -u)" = "0" ] && unshare --mount --net true 2>/dev/null; then
        echo "--self-test, no Python on the machine and no network (unshare --mount --net):"
        python_places > "$home/hide"
        unshare --mount --net --fork bash -s "$exe" "$home" <<'INNER' || smoke_fail "--self-test without Python and network"
set -euo pipefail
exe=$1 home=$2
while read -r place; do
    if [ -d "$place" ]; then mount -t tmpfs none "$place"; else mount --bind /dev/null "$place"; fi
done < "$home/hide"
for python in python3 python; do
    if command -v "$python" >/dev/null && "$python" -c pass 2>/dev/null; then
        echo "a Python still runs here: $(command -v "$python")" >&2; exit 1
    fi
done
# /proc/net/dev lists this namespace's interfaces (/sys/class/net would show the host's).
interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | paste -sd' ')
[ "$interfaces" = "lo" ] || { echo "network interfaces: $interfaces" >&2; exit 1; }
echo "  hidden: $(paste -sd' ' "$home/hide")"
echo "  network interfaces: $interfaces only (a new network namespace)"
env -i PATH=/nonexistent HOME="$home" QT_QPA_PLATFORM=offscreen "$exe" --self-test
INNER
    else
        echo "(not root or no unshare here: the run without Python and network was skipped)"
    fi
    # Off screen proves little about the desktop's own platform plugin (xcb): where a
    # virtual X server is at hand, the self-test paints through it too.
    if command -v xvfb-run >/dev/null; then
        echo "--self-test on a virtual X display (xvfb-run, the xcb platform plugin):"
        xvfb-run -a -s "-screen 0 1280x800x24" bash -c \
            'env -i PATH=/nonexistent HOME="$1" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "$2" --self-test' \
            _ "$home" "$exe" | tee "$home/xcb.log" || smoke_fail "--self-test under Xvfb"
        grep -q "Qt: .*, xcb," "$home/xcb.log" || smoke_fail "Qt did not use the xcb platform"
    else
        echo "(no xvfb-run here: the run on an X display was skipped)"
    fi
    rm -rf "$home"
}
