#!/usr/bin/env bash
# The IoT Hub "module identity and module twin" tutorial as one script; ./quickstart.sh --help says how.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./quickstart.sh [--help]

The IoT Hub "module identity and module twin" tutorial, end to end: create-module, then
receive-twin-patch in the background, then update-module-twin; the receiver prints the
desired-property patch and exits. Exit 0 when the module received it, 1 if a step failed
(the step is named), 2 for bad usage.

Settings, all environment variables:
  IOTHUB_CONNECTION_STRING  a hub's service connection string (iothubowner): run against that hub.
                            Unset: run against hub-emulator, started here in memory.
  IOTHUB_CA_CERT            a PEM CA to trust, for a hub whose certificate a private CA signs.
  QUICKSTART_ADDRESS        hub-emulator's loopback address (default 127.0.0.10); it binds port 443,
                            which needs root, or once, as root (for example with sudo):
                            sysctl net.ipv4.ip_unprivileged_port_start=443
  QUICKSTART_DEVICE_ID      the device (default myFirstDevice)
  QUICKSTART_MODULE_ID      the module (default myFirstModule)
  QUICKSTART_DESIRED        the desired properties to patch (default {"telemetryInterval":122})
  QUICKSTART_PROTOCOL       the receiver's protocol: mqtt (default), mqtt-ws, amqps or amqps-ws
  JAVA                      the java command (default java)
USAGE
}

case "${1:-}" in
  "") ;;
  -h | --help) usage; exit 0 ;;
  *) printf 'quickstart: unknown argument "%s": it takes none but --help; its settings are environment variables\n' \
       "$1" >&2; usage >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")"

JAVA="${JAVA:-java}"
ADDRESS="${QUICKSTART_ADDRESS:-127.0.0.10}"
DEVICE_ID="${QUICKSTART_DEVICE_ID:-myFirstDevice}"
MODULE_ID="${QUICKSTART_MODULE_ID:-myFirstModule}"
DESIRED="${QUICKSTART_DESIRED:-{\"telemetryInterval\":122\}}"
PROTOCOL="${QUICKSTART_PROTOCOL:-mqtt}"
WAIT_SECONDS=60

WORK="$(mktemp -d "${TMPDIR:-/tmp}/quickstart.XXXXXX")"
STEP="starting"
BACKGROUND_PIDS=()

step() {
  STEP="$1"
  printf '\n== %s\n' "$STEP"
}

fail() {
  printf '\nquickstart: FAILED at step "%s": %s\n' "$STEP" "$1" >&2
  # the tools' advice names their options; this script takes environment variables instead
  printf 'quickstart: (where the advice above names an option: --ca-cert is IOTHUB_CA_CERT here, --address is QUICKSTART_ADDRESS)\n' >&2
  exit 1
}

# Stops what this script started (SIGTERM, then waits for it), and removes its scratch folder.
cleanup() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# wait_for_line FILE PATTERN PID WHAT: waits until FILE has a line matching the extended regex PATTERN;
# fails, saying WHAT did not come (in words), if the process PID ends first or WAIT_SECONDS pass.
wait_for_line() {
  local file="$1" pattern="$2" pid="$3" what="$4"
  local deadline=$((SECONDS + WAIT_SECONDS))
  until grep -qE -- "$pattern" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      fail "it ended before $what; its output was:"$'\n'"$(cat "$file")"
    fi
    if ((SECONDS >= deadline)); then
      fail "not $what within ${WAIT_SECONDS}s; its output so far:"$'\n'"$(cat "$file")"
    fi
    sleep 0.1
  done
}

# tool_command NAME: sets TOOL_COMMAND to the tool's launcher, bin/NAME, which runs README's launch command.
tool_command() {
  TOOL_COMMAND=("bin/$1")
}

# run_tool NAME ARGS...: runs a tool in the foreground and shows its output; fails the step if it fails.
run_tool() {
  local name="$1"
  shift
  local status=0
  tool_command "$name"
  "${TOOL_COMMAND[@]}" "$@" >"$WORK/$name.out" 2>&1 || status=$?
  if ((status != 0)); then
    cat "$WORK/$name.out" >&2
    fail "$name exited with status $status"
  fi
  cat "$WORK/$name.out"
}

# which hub, said before a build that can take a minute
if [[ -z "${IOTHUB_CONNECTION_STRING:-}" ]]; then
  echo "target: hub-emulator in memory on $ADDRESS (IOTHUB_CONNECTION_STRING is not set)"
else
  HUB_HOST="$(sed -n 's/.*HostName=\([^;]*\).*/\1/p' <<<"$IOTHUB_CONNECTION_STRING")"
  echo "target: the hub of IOTHUB_CONNECTION_STRING ($HUB_HOST); unset it to run on hub-emulator instead"
fi

step "build the jars (if missing or older than their sources)"
build_needed=""
for module in hub-emulator create-module update-module-twin receive-twin-patch; do
  jar="$module/target/$module.jar"
  if [[ ! -f "$jar" ]]; then
    build_needed="$jar is missing"
  elif [[ -n "$(find pom.xml "$module/pom.xml" "$module/src/main" tools-common/src/main tools-common/pom.xml \
                 -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    build_needed="$jar is older than its sources"
  fi
  [[ -n "$build_needed" ]] && break
done
if [[ -n "$build_needed" ]]; then
  echo "building, as $build_needed (mvn -B -ntp package -DskipTests: about a minute)"
  # one line per module as it is built, rather than a minute of silence
  mvn -B -ntp package -DskipTests 2>&1 | tee "$WORK/build.log" | grep --line-buffered -E '^\[INFO\] Building [^ ]+ ' \
    || true
  grep -q 'BUILD SUCCESS' "$WORK/build.log" || { tail -n 40 "$WORK/build.log" >&2; fail "the Maven build failed"; }
fi
echo "jars ready"

CA_ARGS=()
if [[ -z "${IOTHUB_CONNECTION_STRING:-}" ]]; then
  step "start hub-emulator in memory on $ADDRESS"
  "$JAVA" -jar hub-emulator/target/hub-emulator.jar --address "$ADDRESS" --in-memory >"$WORK/hub-emulator.log" 2>&1 &
  BACKGROUND_PIDS+=("$!")
  wait_for_line "$WORK/hub-emulator.log" '^hub-emulator ready' "$!" "saying it was ready"
  SERVICE_CONNECTION_STRING="$(sed -n 's/^Service connection string: //p' "$WORK/hub-emulator.log" | head -n 1)"
  CA_CERT="$(sed -n 's/^CA certificate: //p' "$WORK/hub-emulator.log" | head -n 1)"
  [[ -n "$SERVICE_CONNECTION_STRING" && -n "$CA_CERT" ]] \
    || fail "hub-emulator did not print its service connection string and CA certificate"
  CA_ARGS=(--ca-cert "$CA_CERT")
  echo "hub-emulator is ready (CA certificate: $CA_CERT)"
else
  SERVICE_CONNECTION_STRING="$IOTHUB_CONNECTION_STRING"
  if [[ -n "${IOTHUB_CA_CERT:-}" ]]; then
    CA_ARGS=(--ca-cert "$IOTHUB_CA_CERT")
  fi
fi

step "create-module: the device and module identities"
run_tool create-module -c "$SERVICE_CONNECTION_STRING" "${CA_ARGS[@]}" --device-id "$DEVICE_ID" --module-id "$MODULE_ID"
MODULE_CONNECTION_STRING="$(sed -n 's/^Module connection string: //p' "$WORK/create-module.out")"
[[ -n "$MODULE_CONNECTION_STRING" ]] || fail "create-module printed no module connection string"

step "receive-twin-patch: connect as the module over $PROTOCOL and wait for one patch (in the background)"
tool_command receive-twin-patch
"${TOOL_COMMAND[@]}" -c "$MODULE_CONNECTION_STRING" "${CA_ARGS[@]}" --protocol "$PROTOCOL" \
  --count 1 --timeout "$WAIT_SECONDS" >"$WORK/receive-twin-patch.log" 2>&1 &
RECEIVER_PID="$!"
BACKGROUND_PIDS+=("$RECEIVER_PID")
wait_for_line "$WORK/receive-twin-patch.log" '^Waiting for desired property patches' "$RECEIVER_PID" \
  "saying it was waiting for patches"
RECEIVER_LINES_SHOWN="$(wc -l <"$WORK/receive-twin-patch.log")"
cat "$WORK/receive-twin-patch.log"

step "update-module-twin: patch the desired properties with $DESIRED"
run_tool update-module-twin -c "$SERVICE_CONNECTION_STRING" "${CA_ARGS[@]}" \
  --device-id "$DEVICE_ID" --module-id "$MODULE_ID" --desired "$DESIRED"

step "receive-twin-patch: the patch arrives"
RECEIVER_STATUS=0
wait "$RECEIVER_PID" || RECEIVER_STATUS=$?
tail -n +"$((RECEIVER_LINES_SHOWN + 1))" "$WORK/receive-twin-patch.log"
((RECEIVER_STATUS == 0)) || fail "receive-twin-patch exited with status $RECEIVER_STATUS"
grep -q '^Desired property patch' "$WORK/receive-twin-patch.log" || fail "receive-twin-patch printed no patch"

STEP="done"
printf '\nquickstart: OK - the module received the desired-property patch.\n'
