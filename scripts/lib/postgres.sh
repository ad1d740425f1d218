# PostgreSQL from Debian's packages: our own cluster under .services/postgres,
# listening on 127.0.0.1:$TD_PG_PORT and a socket in .services/run.
# Sourced after common.sh.

TD_PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
TD_PG_DATA="$TD_SERVICES/postgres/data"
TD_PG_USER="${TD_PG_USER:-techdata}"
TD_PG_PASSWORD="${TD_PG_PASSWORD:-techdata}"
export TD_PG_USER TD_PG_PASSWORD

# pg_url DBNAME: the SQLAlchemy URL of database DBNAME in our cluster.
pg_url() {
  echo "postgresql+psycopg2://$TD_PG_USER:$TD_PG_PASSWORD@127.0.0.1:$TD_PG_PORT/$1"
}

# postgres_install: create the cluster once (initdb), owned by the service user.
postgres_install() {
  [ -x "$TD_PG_BIN/initdb" ] || td_die "PostgreSQL server binaries not found (Debian package postgresql)"
  [ -f "$TD_PG_DATA/PG_VERSION" ] && return 0
  td_svc_own "$TD_SERVICES/postgres" "$TD_RUN"
  local pwfile="$TD_SERVICES/postgres/.pw"
  printf '%s\n' "$TD_PG_PASSWORD" > "$pwfile"
  [ "$(id -u)" -eq 0 ] && chown "$TD_SVC_USER" "$pwfile"
  td_as_svc "$TD_PG_BIN/initdb" -D "$TD_PG_DATA" -U "$TD_PG_USER" --pwfile="$pwfile" \
    -E UTF8 --locale=C.UTF-8 --auth=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  cat >> "$TD_PG_DATA/postgresql.conf" <<CONF
# techdata: loopback only, own port and socket directory
listen_addresses = '127.0.0.1'
port = $TD_PG_PORT
unix_socket_directories = '$TD_RUN'
max_connections = 200
shared_buffers = 512MB
fsync = on
CONF
}

# postgres_archive_conf: continuous WAL archiving for point-in-time recovery
# (scripts/backup, issue 17). Written into the data folder before every start by
# our scripts (archive_mode needs a restart: a running cluster is left as it is).
# Segments go to $TD_PG_WAL_ARCHIVE only while the file ENABLED is in it (the
# first scripts/backup creates it); until then the archiver drops them, so an
# instance nobody backs up never fills its disk with WAL.
# (Not exported: a child script with another TD_SERVICES must not inherit it.)
TD_PG_WAL_ARCHIVE="${TD_PG_WAL_ARCHIVE:-$TD_SERVICES/postgres/wal-archive}"
postgres_archive_conf() {
  [ -f "$TD_PG_DATA/PG_VERSION" ] || return 0
  td_svc_own "$TD_PG_WAL_ARCHIVE"
  td_as_svc sh -c "cat > '$TD_PG_DATA/techdata-archive.conf'" <<CONF
# written by scripts/lib/postgres.sh at each start (issue 17, CD-TD Art. 25)
wal_level = replica
archive_mode = on
archive_command = '"$TD_ROOT/scripts/lib/pg-archive-wal" "%p" "%f" "$TD_PG_WAL_ARCHIVE"'
archive_timeout = ${TD_PG_ARCHIVE_TIMEOUT:-60}
CONF
  grep -q "^include_if_exists = 'techdata-archive.conf'" "$TD_PG_DATA/postgresql.conf" || \
    td_as_svc sh -c "echo \"include_if_exists = 'techdata-archive.conf'\" >> '$TD_PG_DATA/postgresql.conf'"
}

# postgres_running: the cluster's postmaster is alive. pg_ctl (and the postmaster's
# own lock-file check) take a killed postmaster that nothing reaped (a zombie,
# in a container without an init) for a running one: it is not (issue 17).
postgres_running() {
  td_as_svc "$TD_PG_BIN/pg_ctl" -D "$TD_PG_DATA" status >/dev/null 2>&1 || return 1
  td_pid_alive "$TD_PG_DATA/postmaster.pid"
}

# postgres_start: start the cluster if it is not running (after a crash,
# PostgreSQL's own recovery replays the WAL: committed work is kept).
postgres_start() {
  postgres_install
  postgres_running && return 0
  if [ -f "$TD_PG_DATA/postmaster.pid" ] && ! td_pid_alive "$TD_PG_DATA/postmaster.pid"; then
    # a dead postmaster's lock files (data folder and socket) would stop the start
    echo "the postmaster $(head -n 1 "$TD_PG_DATA/postmaster.pid") is dead: removing its lock files"
    rm -f "$TD_PG_DATA/postmaster.pid" "$TD_RUN/.s.PGSQL.$TD_PG_PORT.lock"
  fi
  td_svc_own "$TD_RUN"
  postgres_archive_conf
  touch "$TD_LOGS/postgres.log"; [ "$(id -u)" -eq 0 ] && chown "$TD_SVC_USER" "$TD_LOGS/postgres.log"
  td_as_svc "$TD_PG_BIN/pg_ctl" -D "$TD_PG_DATA" -l "$TD_LOGS/postgres.log" -w -t 60 start >/dev/null \
    || td_die "PostgreSQL did not start; see $TD_LOGS/postgres.log"
}

# postgres_stop: stop the cluster (fast shutdown).
postgres_stop() {
  [ -f "$TD_PG_DATA/PG_VERSION" ] || return 0
  postgres_running || return 0
  td_as_svc "$TD_PG_BIN/pg_ctl" -D "$TD_PG_DATA" -m fast -w stop >/dev/null
}

# postgres_psql ARGS...: psql as the cluster owner.
postgres_psql() {
  PGPASSWORD="$TD_PG_PASSWORD" psql -h 127.0.0.1 -p "$TD_PG_PORT" -U "$TD_PG_USER" "$@"
}

# postgres_ensure_db NAME: create database NAME if missing.
postgres_ensure_db() {
  postgres_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1 \
    || postgres_psql -d postgres -qc "CREATE DATABASE \"$1\" OWNER \"$TD_PG_USER\" ENCODING 'UTF8'"
}

# postgres_test_db NAME: the tests' database, commits without waiting for the disk
# (synchronous_commit off for this database only: a crash may lose the last test
# commits, never corrupt anything; the served instance's database is untouched).
postgres_test_db() {
  postgres_ensure_db "$1"
  postgres_psql -d postgres -qc "ALTER DATABASE \"$1\" SET synchronous_commit = off"
}

# postgres_status: one line, exit 0 when up.
postgres_status() {
  if [ -f "$TD_PG_DATA/PG_VERSION" ] && postgres_running; then
    printf '%-12s up    127.0.0.1:%s  data %s\n' postgresql "$TD_PG_PORT" "$TD_PG_DATA"
  else
    printf '%-12s down\n' postgresql; return 1
  fi
}
