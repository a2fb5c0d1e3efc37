#!/usr/bin/env bash
# Runs redis-benchmark against a three-node `strata serve --cluster` on loopback (through the
# leader, then through a follower) and then against one `strata serve`, in one run, and prints a
# markdown table: requests/s, p50, p99 and p99.9 in ms (p50/p99 from redis-benchmark's latency
# summary, p99.9 from its percentile distribution). Build first:
#   mvn -B -q -DskipTests -pl strata-cli -am package
# Needs redis-benchmark and redis-cli on PATH (Debian: apt-get install redis-tools). Hold the
# machine's benchmark lock around it on a shared machine: flock /tmp/bench.lock strata-cluster/run-cluster-benchmark.sh
# Environment knobs, defaults:
#   TESTS="set get" N=200000 P=16 C=50 R=1000000 OUT=/tmp/cluster-bench JAR=strata-cli/target/strata.jar
#   JAVA_OPTS="-Xmx2g" LEADER_JFR=""  (a file name: JFR recording of the leader during its runs)
#   SINGLE=1 (0 skips the single server)  FOLLOWER=1 (0 skips the runs through a follower)
# Raw output goes to $OUT/<target>-<test>.txt, node logs to $OUT/*.log, the table to $OUT/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

TESTS=${TESTS:-set get}
N=${N:-200000}
P=${P:-16}
C=${C:-50}
R=${R:-1000000}
OUT=${OUT:-/tmp/cluster-bench}
JAR=${JAR:-strata-cli/target/strata.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
LEADER_JFR=${LEADER_JFR:-}
SINGLE=${SINGLE:-1}
FOLLOWER=${FOLLOWER:-1}
RAFT_BASE=17000
REDIS_BASE=16380
SINGLE_PORT=16390
PEERS="n1=127.0.0.1:$((RAFT_BASE + 1)),n2=127.0.0.1:$((RAFT_BASE + 2)),n3=127.0.0.1:$((RAFT_BASE + 3))"

[[ -f $JAR ]] || { echo "missing $JAR: mvn -B -q -DskipTests -pl strata-cli -am package" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "redis-benchmark is needed (apt-get install redis-tools)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap stop_all EXIT

await_port() {
  for _ in $(seq 150); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "nothing answers on port $1" >&2
  exit 1
}

# row TARGET TEST PORT: "rps p50 p99 p99.9"
run() {
  local target=$1 t=$2 port=$3 f="$OUT/$1-$2.txt"
  redis-benchmark -p "$port" -t "$t" -n "$N" -P "$P" -c "$C" -r "$R" >"$f" 2>&1
  local rps p50 p99 p999
  rps=$(grep -m1 'throughput summary' "$f" | awk '{print $3}')
  read -r p50 p99 < <(grep -A2 'latency summary' "$f" | tail -n 1 | awk '{print $3, $5}')
  p999=$(awk '/Latency by percentile distribution/ {on=1; next} on && /%/ {sub("%", "", $1); if ($1 + 0 >= 99.9) {print $3; exit}}' "$f")
  echo "$rps $p50 $p99 $p999"
}

rows=()
row() {
  local target=$1 port=$2
  local line="| $target |"
  for t in $TESTS; do
    read -r rps p50 p99 p999 < <(run "$target" "$t" "$port")
    line="$line $rps | $p50 | $p99 | $p999 |"
    eval "RPS_${target//[^a-z]/_}_$t=$rps"
  done
  rows+=("$line")
}

for i in 1 2 3; do
  opts=$JAVA_OPTS
  java $opts -jar "$JAR" serve --cluster --node-id "n$i" --raft-address "127.0.0.1:$((RAFT_BASE + i))" \
    --peers "$PEERS" --port "$((REDIS_BASE + i))" --db "$OUT/n$i" >"$OUT/n$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do await_port "$((REDIS_BASE + i))"; done
leader=
for _ in $(seq 100); do
  for i in 1 2 3; do
    if redis-cli -p "$((REDIS_BASE + i))" info replication 2>/dev/null | grep -q '^role:master'; then leader=$i; fi
  done
  [[ -n $leader ]] && break
  sleep 0.2
done
[[ -n $leader ]] || { echo "no leader" >&2; exit 1; }
follower=$(( leader % 3 + 1 ))
if [[ -n $LEADER_JFR ]]; then
  jcmd "${pids[$((leader - 1))]}" JFR.start name=leader filename="$LEADER_JFR" settings=profile >/dev/null
fi
row leader "$((REDIS_BASE + leader))"
if [[ -n $LEADER_JFR ]]; then
  jcmd "${pids[$((leader - 1))]}" JFR.stop name=leader >/dev/null
fi
if [[ $FOLLOWER == 1 ]]; then
  row follower "$((REDIS_BASE + follower))"
fi
stop_all

if [[ $SINGLE == 1 ]]; then
  java $JAVA_OPTS -jar "$JAR" serve --port "$SINGLE_PORT" --db "$OUT/single" >"$OUT/single.log" 2>&1 &
  pids+=($!)
  await_port "$SINGLE_PORT"
  row single "$SINGLE_PORT"
  stop_all
fi

{
  header="| target (-n $N -P $P -c $C -r $R) |"
  sep="| --- |"
  for t in $TESTS; do
    header="$header $t ops/s | p50 | p99 | p99.9 |"
    sep="$sep ---: | ---: | ---: | ---: |"
  done
  echo "$header"
  echo "$sep"
  for r in "${rows[@]}"; do echo "$r"; done
  if [[ $SINGLE == 1 ]]; then
    line="| ratio leader / single |"
    for t in $TESTS; do
      l=RPS_leader_$t s=RPS_single_$t
      line="$line $(echo "scale=2; ${!l} / ${!s}" | bc -l) | | | |"
    done
    echo "$line"
  fi
} | tee "$OUT/results.md"
