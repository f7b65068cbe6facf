#!/usr/bin/env bash
# Records the classes each tool loads on its common path, against hub-emulator, into
# <tool>/src/cds/<tool>.classlist (-XX:DumpLoadedClassList). `mvn package` turns each list into the tool's
# class-data-sharing archive, <tool>/target/<tool>.jsa (see the root pom). Rerun this after changing a tool
# or a dependency and commit the lists: a class missing from a list is only loaded the slow way, and a
# class listed that no longer exists is skipped when the archive is made.
# Usage: bench/record-classlists.sh [ADDRESS]   (default 127.0.0.104; the emulator binds 443 and 8883 there)
set -euo pipefail
cd "$(dirname "$0")/.."

ADDRESS="${1:-127.0.0.104}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/classlists.XXXXXX")"
EMULATOR_PID=""
cleanup() {
  if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID"
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

for jar in hub-emulator create-module update-module-twin receive-twin-patch; do
  [[ -f $jar/target/$jar.jar ]] || { mvn -B -ntp -q package -DskipTests; break; }
done

java -jar hub-emulator/target/hub-emulator.jar --address "$ADDRESS" --in-memory >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
until grep -q '^hub-emulator ready' "$WORK/emulator.log"; do
  kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$WORK/emulator.log" >&2; exit 1; }
  sleep 0.1
done
CS="$(sed -n 's/^Service connection string: //p' "$WORK/emulator.log")"
CA="$(sed -n 's/^CA certificate: //p' "$WORK/emulator.log")"

# record TOOL RUN ARGS...: runs the tool's jar, its classes going to $WORK/TOOL.RUN.
record() {
  local tool="$1" run="$2"
  shift 2
  java -XX:DumpLoadedClassList="$WORK/$tool.$run" -jar "$tool/target/$tool.jar" "$@"
}

service=(-c "$CS" --ca-cert "$CA" --device-id classlist --module-id m)
record create-module created "${service[@]}" >/dev/null
record create-module json "${service[@]}" -o json >/dev/null
MODULE_CS="$(record create-module exists "${service[@]}" | sed -n 's/^Module connection string: //p')"
record update-module-twin text "${service[@]}" --desired '{"n":1}' >/dev/null
record update-module-twin json "${service[@]}" --desired '{"n":2}' -o json >/dev/null

record receive-twin-patch text -c "$MODULE_CS" --ca-cert "$CA" --count 1 --timeout 30 >"$WORK/receiver.out" 2>&1 &
RECEIVER_PID=$!
until grep -q '^Waiting for desired property patches' "$WORK/receiver.out"; do
  kill -0 "$RECEIVER_PID" 2>/dev/null || { cat "$WORK/receiver.out" >&2; exit 1; }
  sleep 0.1
done
java -jar update-module-twin/target/update-module-twin.jar "${service[@]}" --desired '{"n":3}' >/dev/null
wait "$RECEIVER_PID"

# One list per tool: the union of its runs, in first-loaded order, without the JDK's dynamic proxies
# (jdk/proxyN/$ProxyM: generated at run time, never in an archive).
for tool in create-module update-module-twin receive-twin-patch; do
  mkdir -p "$tool/src/cds"
  awk '!seen[$0]++ && !/\$Proxy[0-9]+$/' "$WORK/$tool".* >"$tool/src/cds/$tool.classlist"
  echo "$tool/src/cds/$tool.classlist: $(wc -l <"$tool/src/cds/$tool.classlist") lines"
done
