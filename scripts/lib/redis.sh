# Redis from Debian's packages on 127.0.0.1:$TD_REDIS_PORT: cache, sessions,
# Celery broker and results (32 databases: parallel test runs take four each). Sourced after common.sh.

TD_REDIS_DIR="$TD_SERVICES/redis"

# redis_start: start redis-server (daemonised, pid file in .services/run).
redis_start() {
  command -v redis-server >/dev/null || td_die "redis-server not found (Debian package redis-server)"
  td_pid_alive "$TD_RUN/redis.pid" && return 0
  mkdir -p "$TD_REDIS_DIR"
  redis-server --bind 127.0.0.1 --port "$TD_REDIS_PORT" --protected-mode yes \
    --dir "$TD_REDIS_DIR" --daemonize yes --pidfile "$TD_RUN/redis.pid" \
    --logfile "$TD_LOGS/redis.log" --save 60 1000 --appendonly no --databases 32 \
    || td_die "Redis did not start; see $TD_LOGS/redis.log"
  td_wait_port "$TD_REDIS_PORT" 20 || td_die "Redis not answering; see $TD_LOGS/redis.log"
}

# redis_stop: stop redis-server.
redis_stop() { td_stop_pidfile "$TD_RUN/redis.pid" 20; }

# redis_status: one line, exit 0 when up.
redis_status() {
  if redis-cli -h 127.0.0.1 -p "$TD_REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    printf '%-12s up    127.0.0.1:%s  data %s\n' redis "$TD_REDIS_PORT" "$TD_REDIS_DIR"
  else
    printf '%-12s down\n' redis; return 1
  fi
}
