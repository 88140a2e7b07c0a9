#!/usr/bin/env bash
# The benchmark, in one command: bash bench/run.sh
#
# wrk through nginx (on loopback, worker_processes auto) to:
#   - fcgi-core's hello handler                      (java -jar fcgi-core.jar hello)
#   - a hello servlet in the bridge                  (bench/peers BridgePeer: the servlet container of the project)
#   - Jetty 12.0.25's jetty-fcgi-server, hello servlet (bench/peers)
#   - the same servlet in fcgi-bridge's Jetty engine: Jetty 12.1 fed by FcgiConnectionFactory (bench/engine-peer)
#   - php-fpm with hello.php (pm static, more children than nginx keeps connections)
#   - nginx's own "return 200" (the ceiling)
#   - hello.sh through fcgi-core's CGI runner (java -jar fcgi-core.jar cgi) and through fcgiwrap -c 4
# each with fastcgi_keep_conn on (upstream keepalive) and off (nginx's default: a connection per request), in
# alternating rounds; the median round counts. Then a 1 GiB POST streamed through nginx to a handler and to a servlet,
# each in a JVM with -Xmx64m. Then startup: from starting the JVM to the war-sample's first answer of /hello, for the
# launcher behind nginx (plain, and with an AppCDS archive) and for Jetty 12 deploying the same WAR (bench/startup.py).
#
# Settings (environment): DURATION=10 (s per run) ROUNDS=3 CONNECTIONS=64 WARMUP=10 (s per JVM before the rounds)
#   JAVA_HOME (JVM of the servers)
#   UPLOAD_MIB=1024 (the large POST; 0 skips it) TARGETS="core bridge engine jetty php cgi fcgiwrap" (backends)
#   STARTUP_RUNS=7 (JVM starts per startup measurement; 0 skips them)
# Results: bench/target/results.md (a table with ratios), raw wrk output beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
UPLOAD_MIB=${UPLOAD_MIB:-1024}
STARTUP_RUNS=${STARTUP_RUNS:-7}
TARGETS=${TARGETS:-core bridge engine jetty php cgi fcgiwrap}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
OUT=$ROOT/bench/target
RUN=$OUT/run
CORE_PORT=19001 JETTY_PORT=19002 PHP_PORT=19003 COUNT_PORT=19004 CGI_PORT=19005
# fcgiwrap binds without SO_REUSEADDR: a fixed port fails for a minute after a run, while its closed connections linger
FCGIWRAP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BRIDGE_PORT=19007 SERVLET_UPLOAD_PORT=19008 STARTUP_PORT=19009 JETTY_WAR_PORT=19010 ENGINE_PORT=19011
NGINX_PORT=18080 NGINX_STARTUP_PORT=18081

need=()
for package in nginx-light php-fpm wrk curl fcgiwrap; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${need[@]}"
fi
PHP_FPM=$(ls /usr/sbin/php-fpm* | head -n 1)

echo "== building"
mvn -B -ntp -q -DskipTests install -pl fcgi-core,fcgi-servlet-bridge,war-sample -am
(cd bench/peers && mvn -B -ntp -q -DskipTests package)
(cd bench/engine-peer && mvn -B -ntp -q -DskipTests package)
CORE_JAR=$(ls "$ROOT"/fcgi-core/target/fcgi-core-*.jar | grep -v -e tests -e sources | head -n 1)
PEERS_CP="$ROOT/bench/peers/target/classes:$ROOT/bench/peers/target/lib/*"
LAUNCHER_JAR=$ROOT/fcgi-servlet-bridge/target/fcgi-bridge.jar
SAMPLE_WAR=$ROOT/war-sample/target/war-sample.war
ENGINE_CP="$LAUNCHER_JAR:$ROOT/bench/engine-peer/target/classes"

rm -rf "$RUN"; mkdir -p "$RUN"/{nginx,php,cgi-bin}
pids=()
cleanup() {
  for pid in "${pids[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  [ -f "$RUN/nginx/nginx.pid" ] && kill "$(cat "$RUN/nginx/nginx.pid")" 2>/dev/null || true
  # fcgiwrap's workers outlive their parent: left alone, they would answer the next run on its port
  pkill -f "fcgiwrap -c 4 -s tcp:127.0.0.1:$FCGIWRAP_PORT" 2>/dev/null || true
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

tree_ticks() { # pid [own] -> CPU clock ticks of it and its children, reaped ones included (CGI scripts, php-fpm
  # workers); with "own", without the reaped ones: the CGI runner's JVM and spawn helpers, without their scripts
  local total=0 p t fields='$14 + $15 + $16 + $17'
  [ "${2:-}" = own ] && fields='$14 + $15'
  for p in "$1" $(pgrep -P "$1"); do
    t=$(awk "{ print $fields }" "/proc/$p/stat" 2>/dev/null)
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

per_request() { # ticks requests -> µs per request
  awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.0f", t * 1e6 / hz / n }'
}

wait_port() {
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1; logs:"; tail -n 20 "$RUN"/*.log; exit 1
}

echo "== starting servers"
start core "$JAVA" -jar "$CORE_JAR" hello --listen 127.0.0.1:$CORE_PORT
start jetty "$JAVA" -cp "$PEERS_CP" org.fcgibridge.bench.JettyFcgiPeer $JETTY_PORT
start bridge "$JAVA" -cp "$PEERS_CP" org.fcgibridge.bench.BridgePeer 127.0.0.1:$BRIDGE_PORT
start engine "$JAVA" -cp "$ENGINE_CP" org.fcgibridge.bench.JettyEnginePeer $ENGINE_PORT
cat >"$RUN/php/hello.php" <<'PHP'
<?php header("Content-Type: text/plain; charset=utf-8"); echo "Hello, World!\n";
PHP
cat >"$RUN/php/fpm.conf" <<FPM
[global]
error_log = $RUN/php/fpm.log
daemonize = no
[bench]
user = nobody
group = nogroup
listen = 127.0.0.1:$PHP_PORT
pm = static
pm.max_children = 160
FPM
start php "$PHP_FPM" -R -y "$RUN/php/fpm.conf" -F
chmod -R a+rX "$RUN/php"
printf '#!/bin/sh\nprintf "Content-Type: text/plain; charset=utf-8\\r\\n\\r\\nHello, World!\\n"\n' >"$RUN/cgi-bin/hello.sh"
chmod 755 "$RUN/cgi-bin/hello.sh"
start cgi "$JAVA" -jar "$CORE_JAR" cgi --root "$RUN/cgi-bin" --listen 127.0.0.1:$CGI_PORT
start fcgiwrap fcgiwrap -c 4 -s tcp:127.0.0.1:$FCGIWRAP_PORT
root_user=""; [ "$(id -u)" -eq 0 ] && root_user="user root;"
fcgi="include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME $RUN/php/hello.php;"
script="include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME $RUN/cgi-bin/hello.sh;"
cat >"$RUN/nginx/nginx.conf" <<NGINX
$root_user
worker_processes auto;
daemon off;
error_log $RUN/nginx/error.log warn;
pid $RUN/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/body;
  fastcgi_temp_path $RUN/nginx/fastcgi;
  client_max_body_size 0;
  upstream core { server 127.0.0.1:$CORE_PORT; keepalive 32; }
  upstream bridge { server 127.0.0.1:$BRIDGE_PORT; keepalive 32; }
  upstream jetty { server 127.0.0.1:$JETTY_PORT; keepalive 32; }
  upstream engine { server 127.0.0.1:$ENGINE_PORT; keepalive 32; }
  upstream php { server 127.0.0.1:$PHP_PORT; keepalive 32; }
  upstream cgi { server 127.0.0.1:$CGI_PORT; keepalive 32; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /nginx/ret { return 200 "Hello, World!\n"; }
    location /core/ka/ { $fcgi fastcgi_keep_conn on; fastcgi_pass core; }
    location /core/close/ { $fcgi fastcgi_pass 127.0.0.1:$CORE_PORT; }
    location /bridge/ka/ { $fcgi fastcgi_keep_conn on; fastcgi_pass bridge; }
    location /bridge/close/ { $fcgi fastcgi_pass 127.0.0.1:$BRIDGE_PORT; }
    location /servlet-upload/ { $fcgi fastcgi_request_buffering off; fastcgi_read_timeout 600s; fastcgi_pass 127.0.0.1:$SERVLET_UPLOAD_PORT; }
    location /jetty/ka/ { $fcgi fastcgi_keep_conn on; fastcgi_pass jetty; }
    location /engine/ka/ { $fcgi fastcgi_keep_conn on; fastcgi_pass engine; }
    location /engine/close/ { $fcgi fastcgi_pass 127.0.0.1:$ENGINE_PORT; }
    location /jetty/close/ { $fcgi fastcgi_read_timeout 5s; fastcgi_pass 127.0.0.1:$JETTY_PORT; }
    location /php/ka/ { $fcgi fastcgi_keep_conn on; fastcgi_pass php; }
    location /php/close/ { $fcgi fastcgi_pass 127.0.0.1:$PHP_PORT; }
    location /cgi/ka/ { $script fastcgi_keep_conn on; fastcgi_pass cgi; }
    location /cgi/close/ { $script fastcgi_pass 127.0.0.1:$CGI_PORT; }
    location /fcgiwrap/close/ { $script fastcgi_pass 127.0.0.1:$FCGIWRAP_PORT; }
    location /count/ { $fcgi fastcgi_request_buffering off; fastcgi_read_timeout 600s; fastcgi_pass 127.0.0.1:$COUNT_PORT; }
  }
  server {
    listen 127.0.0.1:$NGINX_STARTUP_PORT;
    location / { include /etc/nginx/fastcgi_params; fastcgi_pass 127.0.0.1:$STARTUP_PORT; }
  }
}
NGINX
start nginx nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf"
for port in $CORE_PORT $BRIDGE_PORT $ENGINE_PORT $JETTY_PORT $PHP_PORT $CGI_PORT $FCGIWRAP_PORT $NGINX_PORT; do wait_port "$port"; done

for target in $TARGETS; do
  mode=ka; [ "$target" = fcgiwrap ] && mode=close # fcgiwrap cannot keep connections; Jetty's hangs without
  body=$(curl -s --max-time 5 "http://127.0.0.1:$NGINX_PORT/$target/$mode/hello" || true)
  [ "$body" = "Hello, World!" ] || { echo "$target does not answer through nginx: '$body'"; exit 1; }
done

to_ms() { # wrk's "1.23ms" / "456.00us" / "1.02s" -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

bench() { # label url -> appends "label rps p50 p99 errors cpu own-cpu" to results.txt
  local label=$1 url=$2 raw="$RUN/wrk-$1-round$3.txt"
  local pid=${pid_of[${label%-*}]:-} before=0 after=0 own_before=0 own_after=0
  sleep 1 # the connections and requests wrk left behind last time end first
  [ -n "$pid" ] && before=$(tree_ticks "$pid") && own_before=$(tree_ticks "$pid" own)
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 6s --latency "$url" >"$raw" 2>&1 || true
  [ -n "$pid" ] && after=$(tree_ticks "$pid") && own_after=$(tree_ticks "$pid" own)
  local rps p50 p99 errors requests cpu=- own=-
  rps=$(awk '/Requests\/sec/ { print $2 }' "$raw")
  requests=$(awk '/requests in/ { print $1 }' "$raw")
  # the backend's CPU per request: steadier than req/s on two cores that wrk and nginx share
  if [ -n "$pid" ] && [ "${requests:-0}" -gt 0 ]; then
    cpu=$(per_request $((after - before)) "$requests")
    own=$(per_request $((own_after - own_before)) "$requests")
  fi
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$raw")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$raw")")
  errors=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i } END { print n + 0 }' "$raw")
  echo "$label ${rps:-0} $p50 $p99 $errors $cpu $own" >>"$RUN/results.txt"
  printf '  %-12s %10s req/s  p50 %8s ms  p99 %8s ms  errors %s  CPU %s us/request\n' "$label" "${rps:-0}" "$p50" \
    "$p99" "$errors" "$cpu"
}

echo "== warming up"
# the JIT compiles a JVM's hot paths in its first ~10k requests: the rounds measure the steady state that a server
# runs in; a CGI request is ~20x slower, so the CGI runner warms up 3x longer (its compiler threads were still busy
# 30 s in)
for target in $TARGETS; do
  [ "$target" = fcgiwrap ] && continue
  secs=$WARMUP; [ "$target" = cgi ] && secs=$((WARMUP * 3))
  wrk -t2 -c"$CONNECTIONS" -d"${secs}s" "http://127.0.0.1:$NGINX_PORT/$target/ka/hello" >/dev/null 2>&1 || true
done
wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$NGINX_PORT/core/close/hello" >/dev/null 2>&1 || true

: >"$RUN/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS (wrk -t2 -c$CONNECTIONS -d${DURATION}s)"
  bench nginx "http://127.0.0.1:$NGINX_PORT/nginx/ret" "$round"
  for target in $TARGETS; do
    for mode in ka close; do
      # fcgiwrap serves one connection per process: nginx's idle kept connections pin all 4 and it stalls
      [ "$target-$mode" = fcgiwrap-ka ] && continue
      bench "$target-$mode" "http://127.0.0.1:$NGINX_PORT/$target/$mode/hello" "$round"
    done
  done
done

measure_upload() { # label, main class, port, nginx path -> the result line
  local label=$1 main=$2 port=$3 path=$4
  local t0 t1 answer jvm_pid rss secs
  t0=$(date +%s.%N)
  answer=$(head -c $((UPLOAD_MIB * 1024 * 1024)) /dev/zero | curl -s --max-time 600 -X POST -T - \
    -H "Content-Type: application/octet-stream" "http://127.0.0.1:$NGINX_PORT/$path" || true)
  t1=$(date +%s.%N)
  jvm_pid=$(pgrep -f "$main 127.0.0.1:$port" | head -n 1)
  rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$jvm_pid/status")
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  case "$answer" in
    "bytes=$((UPLOAD_MIB * 1024 * 1024)) "*) ;;
    *) echo "$label did not get every byte: $answer" >&2; return 1 ;;
  esac
  echo "$label: ${answer%$'\n'}; ${secs} s; $(awk -v m="$UPLOAD_MIB" -v s="$secs" 'BEGIN { printf "%.0f", m / s }') MiB/s; peak RSS ${rss} MiB"
}

uploads=()
if [ "$UPLOAD_MIB" -gt 0 ]; then
  echo "== a ${UPLOAD_MIB} MiB POST through nginx (fastcgi_request_buffering off), to JVMs with -Xmx64m"
  start handler "$JAVA" -Xmx64m -cp "$PEERS_CP" org.fcgibridge.bench.CountingHandler 127.0.0.1:$COUNT_PORT
  start servlet "$JAVA" -Xmx64m -cp "$PEERS_CP" org.fcgibridge.bench.BridgePeer 127.0.0.1:$SERVLET_UPLOAD_PORT
  wait_port $COUNT_PORT
  wait_port $SERVLET_UPLOAD_PORT
  uploads+=("$(measure_upload handler org.fcgibridge.bench.CountingHandler $COUNT_PORT count/upload)")
  uploads+=("$(measure_upload servlet org.fcgibridge.bench.BridgePeer $SERVLET_UPLOAD_PORT servlet-upload/upload/)")
  printf '  %s\n' "${uploads[@]}"
fi

startups=()
if [ "$STARTUP_RUNS" -gt 0 ]; then
  echo "== startup: JVM start to the war-sample's first 200 for /hello, $STARTUP_RUNS starts each"
  launcher=("$JAVA" -jar "$LAUNCHER_JAR" --war "$SAMPLE_WAR" --listen 127.0.0.1:$STARTUP_PORT)
  startup() { # label url command... -> "label: median ms (runs)"
    local label=$1 url=$2; shift 2
    local times; times=$(python3 "$ROOT/bench/startup.py" "$url" "$STARTUP_RUNS" "$@")
    echo "$label ${times%% *} ${times#* }"
  }
  startups+=("$(startup bridge "http://127.0.0.1:$NGINX_STARTUP_PORT/hello" "${launcher[@]}")")
  # an AppCDS archive of the classes one start and a few requests load (docs/deployment.md)
  rm -f "$RUN/bridge.jsa"
  "$JAVA" -XX:ArchiveClassesAtExit="$RUN/bridge.jsa" -jar "$LAUNCHER_JAR" --war "$SAMPLE_WAR" \
    --listen 127.0.0.1:$STARTUP_PORT >"$RUN/cds.log" 2>&1 &
  cds_pid=$!
  wait_port $STARTUP_PORT
  for path in / /hello /api/items /counter /css/sample.css; do curl -s -o /dev/null "http://127.0.0.1:$NGINX_STARTUP_PORT$path"; done
  kill "$cds_pid"; wait "$cds_pid" || true
  startups+=("$(startup bridge+AppCDS "http://127.0.0.1:$NGINX_STARTUP_PORT/hello" "$JAVA" \
    -XX:SharedArchiveFile="$RUN/bridge.jsa" "${launcher[@]:1}")")
  startups+=("$(startup jetty-war "http://127.0.0.1:$JETTY_WAR_PORT/hello" "$JAVA" -cp "$PEERS_CP" \
    org.fcgibridge.bench.JettyWarPeer "$SAMPLE_WAR" $JETTY_WAR_PORT)")
  printf '  %s\n' "${startups[@]}"
fi

median() { # label field
  awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$RUN/results.txt" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

{
  echo "| target | keep_conn | req/s (median of $ROUNDS) | p50 ms | p99 ms | errors | backend CPU µs/request | vs Jetty | vs php-fpm | vs nginx return 200 |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  ceiling=$(median nginx 2)
  echo "| nginx return 200 | - | $ceiling | $(median nginx 3) | $(median nginx 4) | $(median nginx 5) | $(median nginx 6) (nginx) | | | 1.00x |"
  for mode in ka close; do
    for target in $TARGETS; do
      case $target in cgi|fcgiwrap) continue ;; esac
      rps=$(median "$target-$mode" 2)
      echo "| $target | $([ $mode = ka ] && echo on || echo off) | $rps | $(median "$target-$mode" 3) | $(median "$target-$mode" 4) | $(median "$target-$mode" 5) | $(median "$target-$mode" 6) | $(ratio "$rps" "$(median "jetty-$mode" 2)") | $(ratio "$rps" "$(median "php-$mode" 2)") | $(ratio "$rps" "$ceiling") |"
    done
  done
  case " $TARGETS " in *" cgi "*)
    echo
    # the server's CPU without its scripts': fcgiwrap lets the kernel reap its scripts, so theirs is counted nowhere
    echo "| CGI hello.sh via | keep_conn | req/s (median of $ROUNDS) | p50 ms | p99 ms | errors | server CPU µs/request, scripts aside | vs fcgiwrap -c 4 (keep_conn off) |"
    echo "|---|---|---|---|---|---|---|---|"
    for mode in ka close; do
      for target in cgi fcgiwrap; do
        [ "$target-$mode" = fcgiwrap-ka ] && continue
        rps=$(median "$target-$mode" 2)
        echo "| $target | $([ $mode = ka ] && echo on || echo off) | $rps | $(median "$target-$mode" 3) | $(median "$target-$mode" 4) | $(median "$target-$mode" 5) | $(median "$target-$mode" 7) | $(ratio "$rps" "$(median fcgiwrap-close 2)") |"
      done
    done ;;
  esac
  if [ ${#startups[@]} -gt 0 ]; then
    echo
    echo "Startup: from starting the JVM to the war-sample's first 200 for /hello (median of $STARTUP_RUNS starts; the"
    echo "bridge asked through nginx, Jetty 12.0.25 deploying the same WAR and asked over HTTP directly):"
    echo
    echo "| server | ms to the first answer (median) | every start, ms | vs Jetty |"
    echo "|---|---|---|---|"
    jetty_ms=$(printf '%s\n' "${startups[@]}" | awk '$1 == "jetty-war" { print $2 }')
    for line in "${startups[@]}"; do
      read -r label ms all <<<"$line"
      echo "| $label | $ms | $all | $(ratio "$jetty_ms" "$ms") faster |"
    done
  fi
  if [ ${#uploads[@]} -gt 0 ]; then
    echo
    echo "Large upload (${UPLOAD_MIB} MiB streamed through nginx, the receiving JVM run with -Xmx64m):"
    printf -- '- %s\n' "${uploads[@]}"
  fi
  echo
  echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr)"
  echo "Java: $("$JAVA" -version 2>&1 | head -n 1); nginx: $(nginx -v 2>&1 | sed 's/.*: //'); $("$PHP_FPM" -v | head -n 1 | cut -d' ' -f1-2); wrk -t2 -c$CONNECTIONS -d${DURATION}s"
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
} >"$OUT/results.md"
echo
cat "$OUT/results.md"
