#!/usr/bin/env bash
# Installs what the tests need (Debian packages of the real peers they start) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# (gcc and libc6-dev build the CGI runner's spawn helper; without them scripts start through the JDK, slower;
# openssl hashes the htpasswd lines of the web-server authentication tests)
packages=(nginx-light apache2 lighttpd caddy h2o libfcgi-bin spawn-fcgi systemd perl python3 python3-prometheus-client gcc libc6-dev openssl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  install() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@"; }
  echo "installing test peers: ${missing[*]}"
  if ! install "${missing[@]}"; then
    $sudo apt-get update || true
    # one by one: a peer that cannot be installed here has its tests reported as skipped, with the reason
    for package in "${missing[@]}"; do
      install "$package" || echo "test peer $package cannot be installed: its tests will be skipped"
    done
  fi
fi
# The peers' own services are not wanted: tests start them on loopback with their own configs.
for service in nginx apache2 lighttpd caddy h2o; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$service" >/dev/null 2>&1 || true; fi
  if command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
done

# The Jakarta Servlet TCK runs too (fcgi-arquillian, -Ptck) when its source is at hand: scripts/tck-setup.sh
source scripts/tck-setup.sh
profiles=()
if [ "$tck_available" = yes ]; then
  profiles=(-Ptck)
else
  echo "== the Servlet TCK is SKIPPED: $tck_skip_reason"
fi

status=0
mvn -B -ntp verify "${profiles[@]}" "$@" || status=$?
if [ -f war-sample/target/interop/matrix.md ]; then
  echo "== interoperability matrix (war-sample/target/interop/matrix.md; docs/INTEROP.md is written from it)"
  cat war-sample/target/interop/matrix.md
fi
if [ -f fcgi-arquillian/target/tck/CONFORMANCE.md ]; then
  echo "== Servlet TCK (fcgi-arquillian/target/tck/CONFORMANCE.md; docs/CONFORMANCE.md is written from it)"
  sed -n '/^| | reference/,/^$/p' fcgi-arquillian/target/tck/CONFORMANCE.md
elif [ "$tck_available" != yes ]; then
  echo "== the Servlet TCK was SKIPPED: $tck_skip_reason"
fi
exit $status
