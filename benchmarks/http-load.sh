#!/usr/bin/env bash
# HTTP load on the runnable server, with wrk, beside the server's own HTTP edge answering a fixed body (the floor),
# in one run: GET /api/v4/users/me/sessions with keep-alive, at 16 and 64 connections, on the in-memory, H2 (file),
# PostgreSQL and Redis stores; then one connection at a time, beside what JMH says authenticate + list cost on the
# same store (the store's own per-request cost). Writes benchmarks/results/<date>-http.md.
#
#   benchmarks/http-load.sh            20 s per measurement (about 7 minutes)
#   SR_LOAD_DURATION=5s benchmarks/http-load.sh
#
# Needs wrk (apt-get install -y wrk), jq, curl, bc, redis-cli, and the servers of the tests (SR_* variables as there).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk jq curl bc redis-cli; do
  command -v "$tool" >/dev/null || { echo "http-load.sh needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done
duration="${SR_LOAD_DURATION:-20s}"
pg_url="${SR_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
pg_user="${SR_POSTGRES_USER:-postgres}"
redis="${SR_REDIS_HOST:-127.0.0.1}:${SR_REDIS_PORT:-6379}"
port="${SR_LOAD_PORT:-18099}"
mvn -B -q package -DskipTests -pl server,benchmarks -am
jar=server/target/session-registry-server.jar
mkdir -p benchmarks/results
out="benchmarks/results/$(date +%Y-%m-%d)-http"
source benchmarks/common.sh # $work, $pid, cleanup

# Starts the jar with these arguments and waits until it listens.
start() {
  local log="$work/server.log"
  java -jar "$jar" "$@" --port "$port" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    grep -q "listening on" "$log" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the server did not start: $(tail -n 5 "$log")" >&2
  exit 1
}

stop() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

# Logs the demo user1 in (its password was printed at first run) and prints the token.
login() {
  local password
  password=$(awk '$1 == "user1" {print $2; exit}' "$work/server.log")
  curl -s -D - -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/v4/users/login" \
    -d "{\"login_id\":\"user1\",\"password\":\"$password\"}" | awk 'tolower($1)=="token:" {print $2}' | tr -d '\r'
}

# wrk with these connections and this token: "requests/s p50 p99" (latencies in ms).
measure() {
  local connections=$1 token=$2 threads=2
  [ "$connections" -lt 2 ] && threads=1
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v4/users/me/sessions" >"$work/wrk.txt"
  if grep -q "Non-2xx" "$work/wrk.txt"; then
    echo "wrk saw non-2xx answers:" >&2
    cat "$work/wrk.txt" >&2
    exit 1
  fi
  wrk_summary "$work/wrk.txt"
}

declare -A result
run() {
  local name=$1
  shift
  rm -rf "$work/data"
  start "$@" --data "$work/data"
  local token="none"
  [ "$name" != floor ] && token=$(login)
  wrk -t2 -c16 -d10s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v4/users/me/sessions" \
    >/dev/null # warm-up: the JIT compiles the request path
  for c in 16 64 1; do
    result["$name,$c"]=$(measure "$c" "$token")
    echo "$name c=$c: ${result[$name,$c]}" >&2
  done
  stop
}

namespace="sr-load-$$"
run floor http-floor
run memory --store memory
run h2 --store h2
SR_JDBC_PASSWORD="${SR_POSTGRES_PASSWORD:-}" run postgresql --store postgresql --jdbc-url "$pg_url" --jdbc-user "$pg_user"
run redis --store redis --redis "$redis" --redis-namespace "$namespace"
redis-cli -h "${redis%:*}" -p "${redis#*:}" --scan --pattern "$namespace:*" | xargs -r redis-cli -h "${redis%:*}" \
  -p "${redis#*:}" unlink >/dev/null

# What the stores cost per request without HTTP: authenticate + list of one session, JMH, same stores.
java -jar benchmarks/target/benchmarks.jar 'OperationsBenchmark.(authenticateHit|list)$' \
  -p store=IN_MEMORY,H2,POSTGRESQL,REDIS -p sessions=1 -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff "$out-jmh.json" \
  >"$work/jmh.txt"
jmh() { # store -> microseconds of authenticateHit + list
  jq -r --arg s "$1" '[.[] | select(.params.store == $s) | .primaryMetric.score] | add' "$out-jmh.json"
}

{
  echo "## HTTP load ($(date +%Y-%m-%d), $(nproc) cores, wrk $duration per row, keep-alive, GET /api/v4/users/me/sessions)"
  echo
  echo "Command: \`benchmarks/http-load.sh\`. The floor is the server's own edge answering \`[]\` to everything"
  echo "(\`java -jar server/target/session-registry-server.jar http-floor\`): same Jetty, same settings, no endpoint, no store."
  echo
  echo "| target | req/s at 16 | × floor | p99 at 16 (ms) | req/s at 64 | × floor | p99 at 64 (ms) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for name in floor memory h2 postgresql redis; do
    read -r r16 _ p16 <<<"${result[$name,16]}"
    read -r r64 _ p64 <<<"${result[$name,64]}"
    read -r f16 _ _ <<<"${result[floor,16]}"
    read -r f64 _ _ <<<"${result[floor,64]}"
    printf '| %s | %s | %.2f | %s | %s | %.2f | %s |\n' "$name" "$r16" "$(bc -l <<<"$r16/$f16")" "$p16" "$r64" \
      "$(bc -l <<<"$r64/$f64")" "$p64"
  done
  echo
  echo "One connection at a time: the time per request over HTTP (1 / requests per second), beside authenticate + list on"
  echo "the same store by JMH (\`OperationsBenchmark\`, sessions=1; the server's H2 is a file, JMH's in memory):"
  echo
  echo "| store | HTTP, µs per request | JMH authenticate + list, µs | ratio |"
  echo "|---|---:|---:|---:|"
  for pair in memory:IN_MEMORY h2:H2 postgresql:POSTGRESQL redis:REDIS; do
    name=${pair%%:*}
    read -r rps _ _ _ <<<"${result[$name,1]}"
    store_us=$(jmh "${pair#*:}")
    http_us=$(bc -l <<<"1000000/$rps") # one connection: requests follow each other, so 1/rate is the time of one
    printf '| %s | %.0f | %.1f | %.2f |\n' "$name" "$http_us" "$store_us" "$(bc -l <<<"$http_us/$store_us")"
  done
} >"$out.md"
cat "$out.md"
echo "wrote $out.md"
