#!/usr/bin/env bash
# Runs the local AWS emulator (test-fixtures/emulator/server.py) in the background.
#
#   test-fixtures/emulator.sh start     start it unless it is already running; wait until it answers
#   test-fixtures/emulator.sh stop      stop it (fine when it is not running)
#   test-fixtures/emulator.sh restart   stop, then start (every service starts empty)
#   test-fixtures/emulator.sh status    say whether it runs; exit 0 if it does, 3 if not
#   test-fixtures/emulator.sh env       print the environment that points AWS clients at it
#
# `start` and `env` print shell exports on stdout (messages go to stderr), so
#   eval "$(test-fixtures/emulator.sh start)"
# starts it and points this shell's AWS SDKs at it.
#
# Environment:
#   FLYWHEEL_EMULATOR_PORT      port on 127.0.0.1 (default 4566)
#   FLYWHEEL_EMULATOR_TIMEOUT   seconds `start` waits for it to answer (default 60)
#   FLYWHEEL_EMULATOR_FAULTS    faults to inject from the start (JSON list; see README.md)
#   FLYWHEEL_EMULATOR_SEED      default seed of rate and mix faults (default 0; see README.md)
#   FLYWHEEL_TOOLS_DIR          where tools.sh installed the tools (default <repo>/.tools)
#
# Files: <tools>/emulator-<port>.pid and <tools>/emulator-<port>.log.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(cd "$here/.." && pwd -P)"
tools="${FLYWHEEL_TOOLS_DIR:-$repo/.tools}"
port="${FLYWHEEL_EMULATOR_PORT:-4566}"
timeout="${FLYWHEEL_EMULATOR_TIMEOUT:-60}"
python="$tools/venv/bin/python"
server="$here/emulator/server.py"
pidfile="$tools/emulator-$port.pid"
logfile="$tools/emulator-$port.log"
url="http://127.0.0.1:$port"

log() { printf 'emulator.sh: %s\n' "$*" >&2; }
die() { printf 'emulator.sh: error: %s\n' "$*" >&2; exit 1; }

[[ "$port" =~ ^[0-9]+$ ]] || die "FLYWHEEL_EMULATOR_PORT must be a port number, not '$port'"

print_env() {
  echo "export AWS_ENDPOINT_URL=$url AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1"
}

# The pid from the pid file, if that process is alive and is our server.
running_pid() {
  local pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "emulator/server.py" || return 1
  fi
  echo "$pid"
}

# Asks the emulator, within $1 seconds, for its health and an STS call; exit 0 once both
# answer, 1 on timeout. With a pid as $2, exits 2 as soon as that process has exited.
probe() {
  "$python" -I - "$url" "$1" "${2:-}" <<'EOF'
import os, sys, time, urllib.request
url, deadline, pid = sys.argv[1], time.time() + float(sys.argv[2]), sys.argv[3]
auth = ("AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sts/aws4_request, "
        "SignedHeaders=host, Signature=" + "0" * 64)
def alive():
    if not pid:
        return True
    if not os.path.isdir("/proc"):
        try:
            os.kill(int(pid), 0)
            return True
        except OSError:
            return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False
while True:
    try:
        urllib.request.urlopen(url + "/_flywheel/health", timeout=2).read()
        req = urllib.request.Request(url + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15",
                                     headers={"Authorization": auth, "X-Flywheel-Probe": "1",
                                              "Content-Type": "application/x-www-form-urlencoded"})
        if b"GetCallerIdentityResult" in urllib.request.urlopen(req, timeout=5).read():
            sys.exit(0)
    except Exception:
        pass
    if not alive():
        sys.exit(2)
    if time.time() > deadline:
        sys.exit(1)
    time.sleep(0.2)
EOF
}

port_in_use() {
  "$python" -I -c '
import socket, sys
s = socket.socket()
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
' "$port"
}

start() {
  local pid
  if pid="$(running_pid)"; then
    if probe 5; then
      log "already running on $url (pid $pid)"
      print_env
      return 0
    fi
    die "pid $pid (from $pidfile) does not answer on $url; see $logfile, or run: $0 restart"
  fi
  rm -f "$pidfile"

  if [[ ! -x "$python" || ! -f "$tools/venv/.flywheel-stamp" ]]; then
    log "no emulator virtualenv in $tools; running tools.sh"
    "$here/tools.sh" >&2
  fi
  if port_in_use; then
    die "port $port is taken by another process; stop it or set FLYWHEEL_EMULATOR_PORT"
  fi

  mkdir -p "$tools"
  : >"$logfile"
  # Detached from the terminal (setsid), so it outlives the command that started it, until `stop`.
  pid="$("$python" -I -c '
import subprocess, sys
log = open(sys.argv[1], "ab")
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log,
                     stderr=subprocess.STDOUT, start_new_session=True)
print(p.pid)
' "$logfile" "$python" -u "$server" --host 127.0.0.1 --port "$port")"
  echo "$pid" >"$pidfile"

  local rc=0
  probe "$timeout" "$pid" || rc=$?
  if [[ $rc != 0 ]]; then
    local why="no answer within ${timeout}s"
    [[ $rc == 2 ]] && why="it exited"
    kill "$pid" 2>/dev/null || true
    rm -f "$pidfile"
    die "the emulator did not start on $url ($why). Last lines of $logfile:
$(tail -n 30 "$logfile")"
  fi
  log "running on $url (pid $pid, log $logfile)"
  print_env
}

stop() {
  local pid i
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    log "not running on port $port"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 10s; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    log "running on $url (pid $pid, log $logfile)"
    return 0
  fi
  log "not running on port $port"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  env) print_env ;;
  *)
    echo "usage: $0 start|stop|restart|status|env" >&2
    exit 2
    ;;
esac
