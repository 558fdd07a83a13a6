#!/usr/bin/env bash
# Logins under real traffic, on the runnable server (in-memory store, default limits unless said), from loopback:
#   a) 50 correct logins of one user at once from one address;
#   b) 500 different users from one address, evenly over a minute (about 8 a second);
#   c) GET /api/v4/users/me/sessions latency, alone and while 8 clients flood the login with wrong passwords (failure
#      limits raised so that every guess is hashed: the worst case), and a correct login from 127.0.0.2 meanwhile.
# Prints Markdown table rows (BENCHMARKS.md, "Logins under real traffic").
#
#   flock /tmp/mvn.lock benchmarks/login-load.sh        (builds the jar first; SR_LOAD_SKIP_BUILD=1 to skip)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${SR_LOAD_PORT:-18098}"
if [ -z "${SR_LOAD_SKIP_BUILD:-}" ]; then
  mvn -B -q package -DskipTests -pl server -am
fi
jar=server/target/session-registry-server.jar
driver=benchmarks/login-load/LoginLoad.java
source benchmarks/common.sh # $work, $pid, cleanup

password="load-password-$RANDOM$RANDOM"
java "$driver" users "$work/users.json" "$password" 500

# Starts the jar with these arguments and waits until it listens.
start() {
  mkdir -p "$work/data"
  java -jar "$jar" --store memory --data "$work/data" --users "$work/users.json" --port "$port" "$@" \
    >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    grep -q "listening on" "$work/server.log" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the server did not start" >&2
  exit 1
}
stop() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

echo "JDK $(java -version 2>&1 | head -1), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
start
java "$driver" burst "$port" "$password" 50
stop
start
java "$driver" spread "$port" "$password" 500 60
stop
start --login-max-failures 1000000 --login-max-failures-per-address 100000000 --login-rate-per-address 1000000
java "$driver" flood "$port" "$password"
stop
