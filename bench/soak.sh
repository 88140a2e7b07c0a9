#!/usr/bin/env bash
# The soak, in one command: bash bench/soak.sh
#
# Both engines serve the war-sample through the launcher behind one nginx, side by side, under the same mixed load
# (wrk, one Lua script: pages, a session per request, a 64 KiB download, a form POST, a 500, a 404) for DURATION
# seconds. For each JVM it records, at the start (after a warm-up) and at the end: the heap after a full GC
# (jcmd GC.run, then GC.heap_info), threads, open file descriptors and RSS, plus the requests and errors wrk saw.
# Flat is the goal: what one request leaves behind, a million of them must not add up.
#
# Settings (environment): DURATION=600 (s of load) CONNECTIONS=32 WARMUP=20 (s) JAVA_HOME (JVM of the launchers)
# Results: bench/target/soak.md (a table), raw wrk output beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-600}
WARMUP=${WARMUP:-20}
CONNECTIONS=${CONNECTIONS:-32}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JCMD=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd
OUT=$ROOT/bench/target
RUN=$OUT/soak
STANDALONE_PORT=19101 JETTY_PORT=19102 NGINX_PORT=18180

need=()
for package in nginx-light wrk curl; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi

echo "== building"
mvn -B -ntp -q -DskipTests package -pl fcgi-core,fcgi-servlet-bridge,war-sample -am
LAUNCHER_JAR=$ROOT/fcgi-servlet-bridge/target/fcgi-bridge.jar
SAMPLE_WAR=$ROOT/war-sample/target/war-sample.war

rm -rf "$RUN"; mkdir -p "$RUN"/nginx
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$RUN/nginx/nginx.pid" ] && kill "$(cat "$RUN/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

declare -A pid_of
start() { # name, command...
  local name=$1; shift
  "$@" >"$RUN/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
}

wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1; logs:"; tail -n 20 "$RUN"/*.log; exit 1
}

echo "== starting"
for engine in standalone jetty; do
  port=$STANDALONE_PORT; [ "$engine" = jetty ] && port=$JETTY_PORT
  start "$engine" "$JAVA" -Xmx256m -XX:+ExitOnOutOfMemoryError -jar "$LAUNCHER_JAR" --war "$SAMPLE_WAR" \
    --engine "$engine" --listen "127.0.0.1:$port" --grace 2
done
root_user=""; [ "$(id -u)" -eq 0 ] && root_user="user root;"
cat >"$RUN/nginx/nginx.conf" <<NGINX
$root_user
worker_processes 1;
daemon off;
error_log $RUN/nginx/error.log warn;
pid $RUN/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/body;
  fastcgi_temp_path $RUN/nginx/fastcgi;
  upstream standalone { server 127.0.0.1:$STANDALONE_PORT; keepalive 16; }
  upstream jetty { server 127.0.0.1:$JETTY_PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { include /etc/nginx/fastcgi_params; fastcgi_keep_conn on; fastcgi_pass standalone; }
  }
  server {
    listen 127.0.0.1:$((NGINX_PORT + 1));
    location / { include /etc/nginx/fastcgi_params; fastcgi_keep_conn on; fastcgi_pass jetty; }
  }
}
NGINX
start nginx nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf"
front() { # engine -> the nginx port in front of it
  if [ "$1" = standalone ]; then echo "$NGINX_PORT"; else echo $((NGINX_PORT + 1)); fi
}
for port in $STANDALONE_PORT $JETTY_PORT $NGINX_PORT $((NGINX_PORT + 1)); do wait_port "$port"; done
for engine in standalone jetty; do
  body=$(curl -s --max-time 5 "http://127.0.0.1:$(front "$engine")/hello?name=soak" || true)
  echo "$body" | grep -q "Hello, soak" || { echo "$engine does not answer through nginx: '$body'"; exit 1; }
done

cat >"$RUN/mixed.lua" <<'LUA'
-- the mixed load: each connection walks the list, in turn
local paths = {
  {"GET", "/hello?name=soak"}, {"GET", "/counter"}, {"GET", "/download?size=65536"}, {"GET", "/info/a/b?c=d"},
  {"POST", "/form", "name=soak&colour=blue"}, {"GET", "/boom"}, {"GET", "/missing"}, {"GET", "/api/items"},
}
local i = 0
request = function()
  i = i % #paths + 1
  local p = paths[i]
  local headers = {}
  if p[3] then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(p[1], p[2], headers, p[3])
end
LUA

sample() { # engine -> "heap_kb threads fds rss_kb" after a full GC
  local pid=${pid_of[$1]}
  "$JCMD" "$pid" GC.run >/dev/null
  local heap threads fds rss
  heap=$("$JCMD" "$pid" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v; exit } }')
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
  fds=$(ls "/proc/$pid/fd" | wc -l)
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  echo "$heap $threads $fds $rss"
}

load() { # engine seconds label
  wrk -t1 -c"$CONNECTIONS" -d"${2}s" --timeout 10s -s "$RUN/mixed.lua" "http://127.0.0.1:$(front "$1")" \
    >"$RUN/wrk-$1-$3.txt" 2>&1
}

echo "== warming up (${WARMUP}s each)"
both() { # seconds label: the load on both engines at once
  load standalone "$1" "$2" & local a=$!
  load jetty "$1" "$2" & local b=$!
  wait "$a" "$b"
}
both "$WARMUP" warmup
declare -A before after
for engine in standalone jetty; do before[$engine]=$(sample "$engine"); done
echo "== soaking both engines for ${DURATION}s"
both "$DURATION" soak
sleep 2
for engine in standalone jetty; do after[$engine]=$(sample "$engine"); done

{
  echo "| engine | requests | req/s | non-2xx/3xx | socket errors | heap after full GC (KiB) start → end | threads | fds | RSS (MiB) |"
  echo "|---|---:|---:|---:|---:|---|---|---|---|"
  for engine in standalone jetty; do
    raw=$RUN/wrk-$engine-soak.txt
    read -r h0 t0 f0 r0 <<<"${before[$engine]}"
    read -r h1 t1 f1 r1 <<<"${after[$engine]}"
    requests=$(awk '/requests in/ { print $1 }' "$raw")
    rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$raw")
    non=$(awk '/Non-2xx or 3xx/ { print $NF }' "$raw"); non=${non:-0}
    sock=$(awk '/Socket errors/ { print $0 }' "$raw" | sed 's/.*Socket errors: //'); sock=${sock:-0}
    echo "| $engine | $requests | $rps | $non | $sock | $h0 → $h1 | $t0 → $t1 | $f0 → $f1 | $((r0 / 1024)) → $((r1 / 1024)) |"
  done
} >"$OUT/soak.md"
echo "== results (bench/target/soak.md)"
cat "$OUT/soak.md"
