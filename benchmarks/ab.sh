#!/usr/bin/env bash
# An A/B in one run: the benchmarks of a base commit (A) and of the working tree (B), alternately, in rounds, then
# the table of both with their error intervals (AbReport); it exits 1 when a row of B is slower beyond both intervals.
#   benchmarks/ab.sh <base commit> [rounds] [JMH selection and options...]
# Without a selection: every registry operation on each store (OperationsBenchmark) and revoke-all (RevokeBenchmark).
# Servers as for the tests: PostgreSQL and Redis on loopback. Run it on a quiet machine: both cores are measured.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?usage: benchmarks/ab.sh <base commit> [rounds] [JMH args...]}"
rounds="${2:-1}"
shift $(( $# >= 2 ? 2 : 1 ))
if [ $# -eq 0 ]; then
  set -- -f 1 -wi 3 -w 1s -i 5 -r 1s 'OperationsBenchmark|RevokeBenchmark.revokeAll$' \
    -p store=IN_MEMORY,H2,POSTGRESQL,REDIS -p sessions=1,100
fi
out="benchmarks/results/ab-$(date +%Y-%m-%d-%H%M)"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null
(cd "$work/base" && mvn -B -q package -DskipTests -Dmaven.javadoc.skip=true -pl benchmarks -am)
mvn -B -q package -DskipTests -Dmaven.javadoc.skip=true -pl benchmarks -am
cp "$work/base/benchmarks/target/benchmarks.jar" "$out/a.jar"
cp benchmarks/target/benchmarks.jar "$out/b.jar"
a=(); b=()
for round in $(seq 1 "$rounds"); do
  java -jar "$out/a.jar" "$@" -rf json -rff "$out/a-$round.json" > "$out/a-$round.log"
  java -jar "$out/b.jar" "$@" -rf json -rff "$out/b-$round.json" > "$out/b-$round.log"
  a+=("$out/a-$round.json"); b+=("$out/b-$round.json")
done
rm "$out/a.jar" "$out/b.jar"
(IFS=,; java -cp benchmarks/target/benchmarks.jar org.sessionregistry.benchmarks.AbReport "${a[*]}" "${b[*]}") \
  | tee "$out/report.md"
