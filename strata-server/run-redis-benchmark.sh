#!/usr/bin/env bash
# Runs redis-benchmark against redis-server (AOF on, appendfsync everysec) and `strata serve`,
# test by test in turn (SET on Redis, SET on Strata, GET on Redis, ...), and prints a markdown table
# of requests/s, p50 and p99 (redis-benchmark's own figures) and the ratio Strata / Redis.
# Build first:
#   mvn -B -q -DskipTests -pl strata-cli -am package
# Needs redis-server and redis-benchmark on PATH (Debian: apt-get install redis-server redis-tools;
# the script starts its own redis-server, not the system service). Environment knobs, defaults:
#   TESTS="set get incr mset" N=1000000 P=16 C=50 R=1000000 OUT=/tmp/redis-compare
#   REDIS_PORT=6390 STRATA_PORT=6393 STRATA_ARGS="" JAVA_OPTS="" JAR=strata-cli/target/strata.jar
# Both servers start on fresh directories under $OUT; raw output goes to $OUT/<test>-<server>.csv,
# the table to $OUT/results.md, with the CPU seconds each server used per test (from /proc) and
# requests per CPU-second. JAVA_OPTS may carry -XX:StartFlightRecording=... to profile the
# Strata server; STRATA_ARGS extra `strata serve` options (such as --wal-sync always).
set -euo pipefail
cd "$(dirname "$0")/.."

TESTS=${TESTS:-set get incr mset}
N=${N:-1000000}
P=${P:-16}
C=${C:-50}
R=${R:-1000000}
OUT=${OUT:-/tmp/redis-compare}
REDIS_PORT=${REDIS_PORT:-6390}
STRATA_PORT=${STRATA_PORT:-6393}
STRATA_ARGS=${STRATA_ARGS:-}
JAVA_OPTS=${JAVA_OPTS:-}
JAR=${JAR:-strata-cli/target/strata.jar}

[[ -f $JAR ]] || { echo "missing $JAR: mvn -B -q -DskipTests -pl strata-cli -am package" >&2; exit 1; }
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null \
  || { echo "redis-server and redis-benchmark are needed (apt-get install redis-server redis-tools)" >&2; exit 1; }
rm -rf "$OUT/redis" "$OUT/strata-db"
mkdir -p "$OUT/redis"

redis_pid=
strata_pid=
stop() {
  [[ -n $redis_pid ]] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  [[ -n $strata_pid ]] && { redis-cli -p "$STRATA_PORT" shutdown >/dev/null 2>&1 || kill "$strata_pid" 2>/dev/null || true; }
  [[ -n $strata_pid ]] && wait "$strata_pid" 2>/dev/null || true
}
trap stop EXIT

redis-server --port "$REDIS_PORT" --dir "$OUT/redis" --save '' --appendonly yes --appendfsync everysec \
  --daemonize no --logfile "$OUT/redis/redis.log" &
redis_pid=$!
# shellcheck disable=SC2086 # JAVA_OPTS and STRATA_ARGS are word lists
java $JAVA_OPTS -jar "$JAR" serve --db "$OUT/strata-db" --port "$STRATA_PORT" $STRATA_ARGS >"$OUT/strata.log" 2>&1 &
strata_pid=$!
for port in "$REDIS_PORT" "$STRATA_PORT"; do
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
  redis-cli -p "$port" ping >/dev/null || { echo "server on port $port did not start" >&2; exit 1; }
done

# CPU seconds (user + system) a process has used so far, from /proc/PID/stat (fields 14 and 15, in ticks)
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

# row TEST SERVER PORT PID: "rps p50 p99 cpu" from redis-benchmark --csv
# (columns: test, rps, avg, min, p50, p95, p99, max latency in ms), cpu = the server's CPU seconds
# during the test
run() {
  local t=$1 server=$2 port=$3 pid=$4 before
  before=$(cpu_seconds "$pid")
  redis-benchmark -p "$port" -t "$t" -n "$N" -P "$P" -c "$C" -r "$R" --csv >"$OUT/$t-$server.csv"
  echo "$(tail -n 1 "$OUT/$t-$server.csv" | tr -d '"' | awk -F, '{print $2, $5, $7}')" \
    "$(echo "$(cpu_seconds "$pid") - $before" | bc -l)"
}

# Requests per CPU-second of the server: how much work each does per request, whatever the other
# processes on the machine (redis-benchmark itself takes most of a core) leave it.
{
  echo "| test (-n $N -P $P -c $C -r $R) | redis-server AOF everysec: req/s (p50 / p99 ms) | strata serve $STRATA_ARGS: req/s (p50 / p99 ms) | ratio | redis: CPU s, req per CPU-s | strata: CPU s, req per CPU-s | ratio per CPU-s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for t in $TESTS; do
    read -r r_rps r_p50 r_p99 r_cpu < <(run "$t" redis "$REDIS_PORT" "$redis_pid")
    read -r s_rps s_p50 s_p99 s_cpu < <(run "$t" strata "$STRATA_PORT" "$strata_pid")
    r_per=$(echo "$N / $r_cpu" | bc -l)
    s_per=$(echo "$N / $s_cpu" | bc -l)
    printf '| %s | %.0f (%s / %s) | %.0f (%s / %s) | %.2fx | %.1f, %.0f | %.1f, %.0f | %.2fx |\n' "$t" \
      "$r_rps" "$r_p50" "$r_p99" "$s_rps" "$s_p50" "$s_p99" "$(echo "$s_rps / $r_rps" | bc -l)" \
      "$r_cpu" "$r_per" "$s_cpu" "$s_per" "$(echo "$s_per / $r_per" | bc -l)"
  done
} | tee "$OUT/results.md"
