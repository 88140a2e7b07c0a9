#!/usr/bin/env bash
# Builds fcgi-bridge and runs its main job in the foreground (Ctrl-C stops it): the war-sample webapp served over
# FastCGI on 127.0.0.1:9000 (point nginx there) and, for curl, over HTTP on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -ntp -q -DskipTests package
exec java -jar fcgi-servlet-bridge/target/fcgi-bridge.jar --war war-sample/target/war-sample.war \
    --listen "${LISTEN:-127.0.0.1:9000}" --http "${HTTP_PORT:-8080}" "$@"
