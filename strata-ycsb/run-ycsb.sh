#!/usr/bin/env bash
# Runs YCSB's core workloads against StrataDB and RocksJava with the same settings, interleaved
# (load Strata, load Rocks, run A Strata, run A Rocks, ...), and prints a markdown table of
# throughput and latency percentiles. Build first:
#   mvn -B -q -DskipTests -pl strata-ycsb -am package
# Every knob is an environment variable; the defaults are the docs/ycsb.md measurement:
#   RECORDS=1000000 OPS=1000000 OPS_E=100000 THREADS=1 WORKLOADS="a b c f e"
#   WRITE_BUFFER=64m CACHE=64m COMPRESSION=lz4 JAVA_OPTS=-Xmx4g OUT=/tmp/ycsb-compare LOAD=1
#   JAR=strata-ycsb/target/strata-ycsb.jar (another build's jar, e.g. a baseline)
# Each engine's directory ($OUT/strata-db, $OUT/rocksdb-db) is deleted and loaded first, unless
# LOAD=0 (then the runs reuse the databases a previous call left in $OUT); raw YCSB output goes
# to $OUT/<workload>-<engine>.txt, the table to $OUT/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

RECORDS=${RECORDS:-1000000}
OPS=${OPS:-1000000}
OPS_E=${OPS_E:-100000}
THREADS=${THREADS:-1}
WORKLOADS=${WORKLOADS:-a b c f e}
WRITE_BUFFER=${WRITE_BUFFER:-64m}
CACHE=${CACHE:-64m}
COMPRESSION=${COMPRESSION:-lz4}
JAVA_OPTS=${JAVA_OPTS:--Xmx4g}
OUT=${OUT:-/tmp/ycsb-compare}
LOAD=${LOAD:-1}
JAR=${JAR:-strata-ycsb/target/strata-ycsb.jar}

[[ -f $JAR ]] || { echo "missing $JAR: mvn -B -q -DskipTests -pl strata-ycsb -am package" >&2; exit 1; }
mkdir -p "$OUT"
phases=$WORKLOADS
if [[ $LOAD == 1 ]]; then
  rm -rf "$OUT/strata-db" "$OUT/rocksdb-db"
  phases="load $WORKLOADS"
fi

binding() { [[ $1 == strata ]] && echo io.stratadb.ycsb.StrataDbClient || echo io.stratadb.ycsb.RocksDbClient; }

# ycsb PHASE(-load|-t) WORKLOAD ENGINE(strata|rocksdb) OPERATIONS
ycsb() {
  local phase=$1 w=$2 engine=$3 ops=$4 name
  name=$([[ $phase == -load ]] && echo load || echo "$w")
  echo "$(date -u +%T) $name $engine" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$JAR" site.ycsb.Client "$phase" -db "$(binding "$engine")" \
    -P "strata-ycsb/workloads/workload$w" -threads "$THREADS" \
    -p recordcount="$RECORDS" -p operationcount="$ops" -p measurementtype=hdrhistogram \
    -p hdrhistogram.percentiles=50,95,99,99.9 \
    -p "$engine.dir=$OUT/$engine-db" -p "$engine.writebuffersize=$WRITE_BUFFER" \
    -p "$engine.cachesize=$CACHE" -p "$engine.compression=$COMPRESSION" -p "$engine.sync=false" \
    -s >"$OUT/$name-$engine.txt" 2>"$OUT/$name-$engine.err"
  if grep -q 'Return=\(ERROR\|NOT_FOUND\)' "$OUT/$name-$engine.txt"; then
    echo "warning: $name $engine had failed operations, see $OUT/$name-$engine.txt" >&2
  fi
}

if [[ $LOAD == 1 ]]; then
  for engine in strata rocksdb; do ycsb -load a "$engine" "$RECORDS"; done
fi
for w in $WORKLOADS; do
  ops=$([[ $w == e ]] && echo "$OPS_E" || echo "$OPS")
  for engine in strata rocksdb; do ycsb -t "$w" "$engine" "$ops"; done
done

# One row per (workload, engine, operation): throughput of the whole run, latency of that operation.
{
  echo "| workload | engine | ops/s | operation | ops | avg us | p50 us | p99 us | p99.9 us |"
  echo "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
  for w in $phases; do
    for engine in strata rocksdb; do
      awk -F', ' -v w="$w" -v e="$engine" '
        $1 == "[OVERALL]" && $2 == "Throughput(ops/sec)" { tput = sprintf("%.0f", $3) }
        $1 ~ /^\[(READ|UPDATE|INSERT|SCAN|READ-MODIFY-WRITE)\]$/ {
          op = substr($1, 2, length($1) - 2)
          if (!(op in seen)) { seen[op] = 1; order[++n] = op }
          if ($2 == "Operations") cnt[op] = $3
          if ($2 == "AverageLatency(us)") avg[op] = sprintf("%.0f", $3)
          if ($2 == "50thPercentileLatency(us)") p50[op] = $3
          if ($2 == "99thPercentileLatency(us)") p99[op] = $3
          if ($2 == "99.9PercentileLatency(us)") p999[op] = $3
        }
        END { for (i = 1; i <= n; i++) { op = order[i]
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", toupper(w), e, tput, op, cnt[op], avg[op], p50[op], p99[op], p999[op] } }
      ' "$OUT/$w-$engine.txt"
    done
  done
} | tee "$OUT/results.md"
