#!/bin/bash
# A copy of ../shared/scripts/with-keyring.sh, kept in the repository so that a clone alone runs the keyring tests.
# Runs "$@" with an unlocked gnome-keyring Secret Service. Must itself run under a private session bus:
#   dbus-run-session -- bash ci-keyring.sh <command...>
# Needs: apt-get install -y gnome-keyring dbus dbus-x11   (libsecret-tools optional, for secret-tool)
set -euo pipefail
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"; chmod 700 "$XDG_RUNTIME_DIR"
export HOME="${KEYRING_HOME:-$HOME}"   # keyrings live in $HOME/.local/share/keyrings
# --unlock reads the password from stdin (and creates the 'login' keyring with it if missing).
# --foreground + '&' so that we own the daemon's PID and can stop it afterwards.
printf '%s' "${KEYRING_PASS:-ci-pass}" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null &
gk_pid=$!
trap 'kill "$gk_pid" 2>/dev/null || true' EXIT
# wait until org.freedesktop.secrets is owned on the session bus
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.02
done
"$@"
