#!/usr/bin/env bash
# Set up everything the station needs, then run one task.
#
#   packaging/bootstrap.sh run          launch the station app (embedded immudb, demo data)
#   packaging/bootstrap.sh test         run the whole test suite against immudb 1.9.6 and 1.11.1
#   packaging/bootstrap.sh conformance  run Django's own test suite against the backend
#   packaging/bootstrap.sh bench        run the benchmark suite
#   packaging/bootstrap.sh bundle       build the self-contained station (dist/station-app), then self-test it
#
# Idempotent: an existing venv, installed dependencies and cached immudb
# builds are reused.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
cd "$ROOT"

SYSTEM_PACKAGES=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
                 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
                 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libpulse0 xvfb)

install_system_packages() {
    local missing=()
    for pkg in "${SYSTEM_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    echo "Installing system packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_python_env() {
    command -v python3 >/dev/null || { echo "Python 3.11 or newer is needed: apt-get install python3 python3-venv" >&2; exit 1; }
    [ -x "$PY" ] || python3 -m venv "$VENV"
    local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        "$PY" -m pip install -q --upgrade pip
        "$PY" -m pip install -q -e ".[test]"
        touch "$stamp"
    fi
}

build_immudb() {
    "$PY" packaging/immudb/build.py "$@"
}

elapsed() {  # seconds since $1 (a `date +%s.%N` reading)
    awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.2f", now - start }'
}

task="${1:-}"
shift || true
case "$task" in
    run)
        install_system_packages
        install_python_env
        build_immudb 1.11.1
        if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
            echo "No display found: the station opens on a virtual screen (xvfb-run)."
            exec xvfb-run -a "$VENV/bin/station-app" --demo "$@"
        fi
        exec "$VENV/bin/station-app" --demo "$@"
        ;;
    test)
        install_system_packages
        install_python_env
        build_immudb 1.9.6 1.11.1
        export QT_QPA_PLATFORM=offscreen
        if [ $# -gt 0 ]; then
            exec "$PY" -m pytest "$@"
        fi
        # The Qt screens run in a process of their own: a long-lived
        # QApplication that has also hosted the other tests' widgets has
        # crashed (segfault in setStyleSheet) late in a full run. The rest
        # runs in two workers, each with servers of its own: most of a test's
        # time is spent waiting on its server.
        "$PY" -m pytest --numprocesses=2 --ignore=tests/ui
        exec "$PY" -m pytest tests/ui
        ;;
    conformance)
        install_python_env
        build_immudb 1.9.6 1.11.1
        exec "$PY" tests/conformance/run.py "$@"
        ;;
    bench)
        install_system_packages postgresql
        install_python_env
        "$PY" -c "import psycopg" 2>/dev/null || "$PY" -m pip install -q -e ".[test,bench]"
        build_immudb 1.11.1
        export QT_QPA_PLATFORM=offscreen
        exec "$PY" -m tests.benchmarks "$@"
        ;;
    bundle)
        install_system_packages
        install_python_env
        "$PY" -c "import PyInstaller" 2>/dev/null || "$PY" -m pip install -q -e ".[test,bundle]"
        build_immudb 1.11.1
        started=$(date +%s.%N)
        "$PY" -m PyInstaller --noconfirm --log-level WARN \
            --distpath dist --workpath build/pyinstaller packaging/station.spec
        echo "Built dist/station-app in $(elapsed "$started") s; size $(du -sh dist/station-app | cut -f1)."
        # Each line of the self-test is stamped with the time since launch;
        # its first line comes once Qt, Django and the screens have loaded.
        started=$(date +%s.%N)
        dist/station-app/station-app --self-test | {
            startup=""
            while IFS= read -r line; do
                now=$(elapsed "$started")
                startup=${startup:-$now}
                echo "$now s  $line"
            done
            echo "Start-up (launch until Qt, Django and the screens are loaded): ${startup:-?} s"
        }
        ;;
    *)
        sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
