#!/usr/bin/env bash
# Installs what the tests need (Debian packages of the real peers they start) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(nginx-light apache2 lighttpd libfcgi-bin spawn-fcgi systemd perl python3)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing test peers: ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"; then
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi
# The peers' own services are not wanted: tests start them on loopback with their own configs.
for service in nginx apache2 lighttpd; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$service" >/dev/null 2>&1 || true; fi
  if command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
done

exec mvn -B -ntp verify "$@"
