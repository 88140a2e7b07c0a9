#!/usr/bin/env bash
# Builds fcgi-bridge and runs its main job in the foreground (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -ntp -q -DskipTests package
exec java -jar fcgi-core/target/fcgi-core-0.1.0-SNAPSHOT.jar echo --listen "${LISTEN:-127.0.0.1:9000}" "$@"
