# Shared helpers for the project's scripts. Source it; do not run it.
#
# Layout (all git-ignored, under the checkout):
#   .services/<name>/     data of each service
#   .services/logs/       one log file per service and per set-up step
#   .services/run/        pid files and sockets
#   .services/instance/   the Invenio instance path
set -o pipefail

TD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TD_SERVICES="${TD_SERVICES:-$TD_ROOT/.services}"
TD_LOGS="$TD_SERVICES/logs"
TD_RUN="$TD_SERVICES/run"
TD_VENV="${TD_VENV:-$TD_ROOT/.venv}"
export TD_ROOT TD_SERVICES TD_LOGS TD_RUN TD_VENV

# Loopback ports of our own services (not the system defaults, so nothing clashes).
export TD_PG_PORT="${TD_PG_PORT:-5433}"
export TD_REDIS_PORT="${TD_REDIS_PORT:-6380}"
export TD_OS_PORT="${TD_OS_PORT:-9201}"
export TD_WEB_PORT="${TD_WEB_PORT:-5000}"

# PostgreSQL and OpenSearch refuse to run as root: when we are root, they run as
# this unprivileged system user, created on first use.
TD_SVC_USER="${TD_SVC_USER:-techdata}"
export TD_SVC_USER

mkdir -p "$TD_LOGS" "$TD_RUN"

td_info() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
td_warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
td_die()  { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# td_step NAME CMD...: run one set-up step with its own log file; on failure say
# which step, the last lines of its log and where the whole log is.
td_step() {
  local name="$1"; shift
  local log="$TD_LOGS/step-${name}.log"
  local t0=$SECONDS rc
  printf '\033[1;34m==>\033[0m %-28s ' "$name"
  # Not inside an `if`: there `set -e` would be ignored in the subshell.
  ( set -e; "$@" ) >"$log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    printf 'ok (%ss)\n' "$((SECONDS - t0))"
  else
    printf 'FAILED (exit %s after %ss)\n' "$rc" "$((SECONDS - t0))"
    echo "---- last lines of $log ----" >&2
    tail -n 25 "$log" >&2
    echo "---- step '$name' failed; full log: $log ----" >&2
    exit "$rc"
  fi
}

# td_ensure_svc_user: make sure the unprivileged service user exists (when root).
td_ensure_svc_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id -u "$TD_SVC_USER" >/dev/null 2>&1 || \
    useradd --system --no-create-home --shell /usr/sbin/nologin "$TD_SVC_USER"
}

# td_as_svc CMD...: run CMD as the service user when root, else as ourselves.
td_as_svc() {
  if [ "$(id -u)" -eq 0 ]; then
    td_ensure_svc_user
    runuser -u "$TD_SVC_USER" -- "$@"
  else
    "$@"
  fi
}

# td_svc_reach DIR: make sure the service user can traverse to DIR: an
# ancestor without "x" for others (a checkout under /root, say) gets o+x
# (traverse only, never read), and we say so.
td_svc_reach() {
  local d="$1"
  while [ "$d" != "/" ] && [ -n "$d" ]; do
    if [ -d "$d" ] && ! runuser -u "$TD_SVC_USER" -- test -x "$d" 2>/dev/null; then
      echo "granting traverse (o+x) on $d to the service user $TD_SVC_USER"
      chmod o+x "$d"
    fi
    d="$(dirname "$d")"
  done
}

# td_svc_own DIR...: create DIRs owned by the service user.
td_svc_own() {
  mkdir -p "$@"
  if [ "$(id -u)" -eq 0 ]; then
    td_ensure_svc_user
    td_svc_reach "$(dirname "$1")"
    chown -R "$TD_SVC_USER" "$@"
  fi
}

# td_pid_alive FILE: true when FILE holds the pid of a live process. A process
# killed (kill -9) and not reaped yet is a zombie, not alive: where nothing
# reaps orphans (a container without an init) it stays one (issue 17).
td_pid_alive() {
  [ -f "$1" ] || return 1
  local pid; pid="$(head -n 1 "$1" 2>/dev/null)"
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != "Z" ]
}

# td_wait_port PORT SECONDS: wait until 127.0.0.1:PORT accepts connections.
td_wait_port() {
  local port="$1" limit="${2:-60}" i=0
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    i=$((i + 1)); [ "$i" -ge "$((limit * 2))" ] && return 1; sleep 0.5
  done
}

# td_stop_pidfile FILE [SECONDS]: TERM the process (group), then KILL if needed.
td_stop_pidfile() {
  local f="$1" limit="${2:-30}" pid i=0
  td_pid_alive "$f" || { rm -f "$f"; return 0; }
  pid="$(cat "$f")"
  kill -TERM "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -ge "$((limit * 2))" ] && { kill -KILL "$pid" 2>/dev/null; break; }
    sleep 0.5
  done
  rm -f "$f"
}
