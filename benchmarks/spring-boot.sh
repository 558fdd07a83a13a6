#!/usr/bin/env bash
# The Spring Boot example, measured: (1) its start time, from `java -jar` to the first 200 of its protected endpoint
# (GET /api/hello with a token from POST /login, both counted), in a fresh directory (H2 file, tables created), 5
# times, median; (2) the cost of one authenticated request through Spring Security (the example's
# SessionRegistryConfigurer chain) beside the same request through the plain SessionRegistryFilter servlet filter
# (PlainFilterApplication, the example's test sources): same embedded Tomcat, same registry from the starter, the
# in-memory store, same users; wrk at 16 connections and at 1 (where 1 / requests per second is one request's time).
# Writes benchmarks/results/<date>-spring-boot.md.
#
#   flock /tmp/mvn.lock benchmarks/spring-boot.sh              (SR_LOAD_DURATION=20s per wrk row by default)
#
# Needs wrk (apt-get install -y wrk), curl, jq.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "spring-boot.sh needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done
duration="${SR_LOAD_DURATION:-20s}"
port="${SR_LOAD_PORT:-18098}"
runs="${SR_START_RUNS:-5}"
source benchmarks/common.sh # $work, $pid, cleanup

# The example's jar, its test classes, and their class path (the reactor's jars, Boot's versions).
mvn -B -q -pl examples/spring-boot -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt"
jar="$PWD/examples/spring-boot/target/session-registry-example-spring-boot.jar"
classpath="$PWD/examples/spring-boot/target/test-classes:$PWD/examples/spring-boot/target/classes:$(cat "$work/cp.txt")"
url="http://127.0.0.1:$port"

# POST /login as bob; prints the token, or nothing while the application is not up yet.
token() {
  curl -s -m 2 -H 'Content-Type: application/json' -d '{"username":"bob","password":"bob-password"}' \
    "$url/login" 2>/dev/null | jq -r '.token // empty' 2>/dev/null || true
}

# 1. Start time: from java -jar to the first 200 of GET /api/hello with a token.
starts=()
for run in $(seq 1 "$runs"); do
  mkdir -p "$work/start-$run"
  cd "$work/start-$run"
  begin=$(date +%s%N)
  java -jar "$jar" --server.port="$port" >"$work/start-$run.log" 2>&1 &
  pid=$!
  t=""
  until [ -n "$t" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $t" "$url/api/hello")" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/start-$run.log" >&2; exit 1; }
    sleep 0.01
    [ -z "$t" ] && t=$(token)
  done
  end=$(date +%s%N)
  starts+=($(( (end - begin) / 1000000 )))
  echo "start $run: ${starts[-1]} ms" >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  cd - >/dev/null
done
median_start=$(printf '%s\n' "${starts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')

# 2. One authenticated request: "requests/s p50 p99" at this many connections (latencies in ms).
wrk_row() {
  local connections=$1 threads=2
  [ "$connections" -lt 2 ] && threads=1
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $t" "$url/api/hello" \
    >"$work/wrk.txt"
  if grep -q "Non-2xx" "$work/wrk.txt"; then cat "$work/wrk.txt" >&2; exit 1; fi
  wrk_summary "$work/wrk.txt"
}

declare -A row
overhead() {
  local name=$1 main=$2
  mkdir -p "$work/$name"
  cd "$work/$name"
  java -cp "$classpath" "$main" --server.port="$port" --session-registry.store=memory >"$work/$name.log" 2>&1 &
  pid=$!
  cd - >/dev/null
  t=""
  for _ in $(seq 1 600); do
    t=$(token); [ -n "$t" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$t" ] || { echo "$name did not start" >&2; exit 1; }
  wrk -t2 -c16 -d10s -H "Authorization: Bearer $t" "$url/api/hello" >/dev/null # warm-up: the JIT compiles the path
  for c in 16 1; do
    row["$name,$c"]=$(wrk_row "$c")
    echo "$name c=$c: ${row[$name,$c]}" >&2
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
overhead security org.sessionregistry.examples.springboot.ExampleApplication
overhead filter org.sessionregistry.examples.plainfilter.PlainFilterApplication

mkdir -p benchmarks/results
out="benchmarks/results/$(date +%Y-%m-%d)-spring-boot.md"
{
  echo "## Spring Boot example ($(date +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1))"
  echo
  echo "Command: \`flock /tmp/mvn.lock benchmarks/spring-boot.sh\`."
  echo
  echo "Start, \`java -jar\` to the first 200 of \`GET /api/hello\` (one login included), $runs runs: ${starts[*]} ms;"
  echo "median **$median_start ms**."
  echo
  echo "| path (same Tomcat, in-memory store) | req/s at 16 | p50 / p99 at 16 (ms) | req/s at 1 | µs per request at 1 |"
  echo "|---|---:|---:|---:|---:|"
  for name in security filter; do
    read -r r16 p50 p99 <<<"${row[$name,16]}"
    read -r r1 _ _ <<<"${row[$name,1]}"
    label=$([ "$name" = security ] && echo "Spring Security, SessionRegistryConfigurer" || echo "plain SessionRegistryFilter")
    echo "| $label | $r16 | $p50 / $p99 | $r1 | $(( 1000000 / r1 )) |"
  done
} | tee "$out"
