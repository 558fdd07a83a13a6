#!/usr/bin/env bash
# Runs the benchmarks and writes results/<date>-<profile>.json (JMH) and .md (the table for BENCHMARKS.md).
#   benchmarks/run.sh quick   about 10 minutes on 2 cores: the main rows, short iterations
#   benchmarks/run.sh full    every store, N up to 1,000, 1,000,000 other sessions, longer iterations
#   benchmarks/run.sh peers   about an hour: us beside Spring Session on H2, PostgreSQL and MariaDB, our store on its own
#                             pool and on the application's (HikariCP defaults, as Spring Boot sets it up), Spring
#                             Session on the application's; two forks each, floors
# Servers as for the tests (DEVELOPERS.md): PostgreSQL, Redis on loopback, SR_* variables to point elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-quick}"
mvn -B -q package -DskipTests -pl benchmarks -am
jar=benchmarks/target/benchmarks.jar
out="benchmarks/results/$(date +%Y-%m-%d)-$profile"
mkdir -p benchmarks/results
case "$profile" in
  quick)
    common=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
    # The revokes run few invocations a second (each after a set-up): they get more warm-up, or the databases' code
    # (H2 runs in this JVM) is still being compiled while they are measured.
    revoke=(-f 1 -wi 3 -w 1s -i 3 -r 1s)
    java -jar "$jar" "${revoke[@]}" -rf json -rff "$out-1.json" \
      'FloorBenchmark' \
      'RevokeBenchmark.revokeAll' -p store=IN_MEMORY,H2,POSTGRESQL,REDIS -p sessions=1,10,100 -p others=1000
    java -jar "$jar" "${revoke[@]}" -rf json -rff "$out-1b.json" \
      'RevokeBenchmark.floorAfterSetup' -p store=H2,POSTGRESQL,REDIS -p sessions=1,10,100 -p others=1000
    java -jar "$jar" "${common[@]}" -rf json -rff "$out-2.json" \
      'OperationsBenchmark' -p store=IN_MEMORY,POSTGRESQL,REDIS,POSTGRESQL_CACHED,REDIS_CACHED -p sessions=1,100
    java -jar "$jar" "${common[@]}" -rf json -rff "$out-3.json" \
      'MixedWorkloadBenchmark' -p store=IN_MEMORY,POSTGRESQL,REDIS,REDIS_CACHED
    java -jar "$jar" "${revoke[@]}" -rf json -rff "$out-4.json" 'ReplicaWaitBenchmark'
    ;;
  full)
    java -jar "$jar" -rf json -rff "$out-1.json" 'FloorBenchmark' 'RevokeBenchmark.revokeAll' 'OperationsBenchmark' \
      'MixedWorkloadBenchmark'
    java -jar "$jar" -rf json -rff "$out-1b.json" 'RevokeBenchmark.floorAfterSetup' \
      -p store=H2,POSTGRESQL,REDIS,H2_CACHED,POSTGRESQL_CACHED,REDIS_CACHED
    java -jar "$jar" -rf json -rff "$out-2.json" 'RevokeBenchmark.revokeAll$' -p store=IN_MEMORY,REDIS \
      -p sessions=100 -p others=1000,1000000
    java -jar "$jar" -rf json -rff "$out-3.json" 'ReplicaWaitBenchmark'
    ;;
  peers)
    # Spring Session's repositories beside ours (PeersBenchmark), in two forks; on a quiet machine five one-second
    # measurements a fork keep the errors within a few percent and the run within the hour with MariaDB in it.
    steady=(-f 2 -wi 3 -w 1s -i 5 -r 1s)
    java -jar "$jar" "${steady[@]}" -rf json -rff "$out-1.json" \
      'FloorBenchmark.(createFloor|lookupFloor|sha256OfToken|concurrentHashMapGet)' 'JdbcPathBenchmark.(plain|store)(Lookup|Insert|Authenticate|Create|Touch)$'
    # JDBC only, to stay under an hour: impl=ours on the store's own pool, ours_app_pool and spring on HikariCP's
    # defaults (on MariaDB that pool's URL has no allowMultiQueries, as Spring Boot's).
    jdbc=(-p store=H2,POSTGRESQL,MARIADB -p impl=ours,ours_app_pool,spring)
    java -jar "$jar" "${steady[@]}" -rf json -rff "$out-2.json" 'PeersBenchmark.(lookup|create)' "${jdbc[@]}" \
      -p sessions=100
    java -jar "$jar" "${steady[@]}" -rf json -rff "$out-3.json" 'PeersBenchmark.(list|revokeAll)' "${jdbc[@]}" \
      -p sessions=1,100
    # Revokes back to back, as a caller sees them (only the first follows the set-up's burst of creates).
    java -jar "$jar" -rf json -rff "$out-4.json" 'RevokeInARowBenchmark'
    ;;
  *) echo "usage: benchmarks/run.sh quick|full|peers" >&2; exit 2 ;;
esac
java -cp "$jar" org.sessionregistry.benchmarks.Report "$out"-*.json > "$out.md"
echo "wrote $out-*.json and $out.md"
