#!/usr/bin/env bash
# The benchmarks of issues 4, 8, 16, 20, 21 and 22: one line per figure, "name value unit"; lines starting with # are notes.
# Each benchmark starts its own hub-emulator (from hub-emulator/target/hub-emulator.jar) on a loopback
# address (127.0.0.100 to 127.0.0.109; keep-alive reuses robustness-amqp's once that
# one has stopped; the MQTT and AMQP clients connect from 127.0.0.110 to 127.0.0.119) and stops it when done.
# Benchmarks never fail a build: a benchmark that breaks says so in a note and the others still run.
# keep-alive runs for 180 s; KEEP_ALIVE_SECONDS sets another time.
set -uo pipefail
cd "$(dirname "$0")/.."

for jar in hub-emulator bench create-module update-module-twin receive-twin-patch; do
  if [[ ! -f $jar/target/$jar.jar ]]; then
    mvn -B -ntp -q package -DskipTests || { echo "# bench: the build failed"; exit 0; }
    break
  fi
done
# 10,000 MQTT connections need 10,000 descriptors in the emulator and as many in the bench process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true

started=$SECONDS
echo "cores $(nproc) cpus"
echo "jdk $(java -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p') $(java -version 2>&1 | sed -n '3p' | tr ' ' '_')"
echo "open_files_limit $(ulimit -n) descriptors"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"

run() {
  java -Dbench.keepAliveSeconds="${KEEP_ALIVE_SECONDS:-180}" -jar bench/target/bench.jar "$1" "$2" \
    || echo "# $1 failed (exit $?)"
}
run tool-latency 127.0.0.103
run patch-latency 127.0.0.100
run method-latency 127.0.0.109
run c2d-throughput 127.0.0.109
run d2c-throughput 127.0.0.109
run twin-events 127.0.0.104
run connections 127.0.0.101
run connections-amqps 127.0.0.105
run registry-throughput 127.0.0.102
run robustness 127.0.0.106
run robustness-amqp 127.0.0.107
run churn 127.0.0.108
run keep-alive 127.0.0.107
echo "bench_wall_time $((SECONDS - started)) s"
