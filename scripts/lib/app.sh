# The application processes: Celery worker (with beat) and the gunicorn web
# server (UI and REST API in one app, the API under /api). Sourced after
# common.sh and instance.sh.

# celery_start: start one Celery worker (techdata.worker: InvenioRDM's Celery app, its
# start-up heap frozen) with an embedded beat, on the Redis broker.
celery_start() {
  td_pid_alive "$TD_RUN/celery.pid" && return 0
  instance_env
  rm -f "$TD_RUN/celery.pid"
  (cd "$TD_INSTANCE" && nohup "$TD_VENV/bin/celery" -A techdata.worker worker --beat \
     -Q celery,low -c 2 -l INFO --pidfile "$TD_RUN/celery.pid" \
     -s "$TD_SERVICES/celerybeat-schedule" >"$TD_LOGS/celery.log" 2>&1 &)
  local i
  for i in $(seq 1 60); do
    grep -q "ready\." "$TD_LOGS/celery.log" 2>/dev/null && return 0
    sleep 1
  done
  td_die "Celery worker not ready after 60 s; see $TD_LOGS/celery.log"
}

# celery_stop: stop the worker (warm shutdown, then kill).
celery_stop() { td_stop_pidfile "$TD_RUN/celery.pid" 30; }

# celery_status: one line, exit 0 when up.
celery_status() {
  if td_pid_alive "$TD_RUN/celery.pid"; then
    printf '%-12s up    pid %s  log %s\n' celery "$(cat "$TD_RUN/celery.pid")" "$TD_LOGS/celery.log"
  else
    printf '%-12s down\n' celery; return 1
  fi
}

# web_start: serve techdata.wsgi (InvenioRDM's app, its start-up heap frozen)
# with gunicorn on 127.0.0.1:$TD_WEB_PORT.
web_start() {
  td_pid_alive "$TD_RUN/web.pid" && return 0
  instance_env
  rm -f "$TD_RUN/web.pid"
  "$TD_VENV/bin/gunicorn" techdata.wsgi:application \
    --bind "127.0.0.1:$TD_WEB_PORT" --workers "${TD_WEB_WORKERS:-3}" --threads 2 \
    --timeout 120 --pid "$TD_RUN/web.pid" --daemon --no-control-socket \
    --access-logfile "$TD_LOGS/web-access.log" --error-logfile "$TD_LOGS/web.log" \
    --chdir "$TD_INSTANCE" || td_die "gunicorn failed; see $TD_LOGS/web.log"
  local i
  for i in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$TD_WEB_PORT/api/records?size=1" 2>/dev/null && return 0
    sleep 1
  done
  td_die "web server not answering after 120 s; see $TD_LOGS/web.log"
}

# web_stop: stop gunicorn.
web_stop() { td_stop_pidfile "$TD_RUN/web.pid" 30; }

# web_status: one line, exit 0 when up.
web_status() {
  if curl -fsS -o /dev/null "http://127.0.0.1:$TD_WEB_PORT/api/records?size=1" 2>/dev/null; then
    printf '%-12s up    http://127.0.0.1:%s  log %s\n' web "$TD_WEB_PORT" "$TD_LOGS/web.log"
  else
    printf '%-12s down\n' web; return 1
  fi
}
