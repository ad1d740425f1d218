# Backup and restore of the instance (issue 17; CD-TD Art. 17, 25; CD-PD Art. 11,
# 46(8)). Sourced by scripts/backup and scripts/restore after all.sh.
#
# A backup target (TD_BACKUP_TARGET: a folder, or [user@]host:/folder over SSH)
# holds:
#   base/<YYYYmmddTHHMMSSZ>/   one full backup: base.tar.gz + pg_wal.tar.gz
#                              (pg_basebackup, tar format) and its backup_manifest,
#                              keys.tar.gz.enc (secret key, certificate signing key,
#                              invenio.cfg, TD_* settings; AES-256, openssl),
#                              files.json (the file store as of the backup, with
#                              MD5 and SHA-256), manifest.json (size + SHA-256 of
#                              each of these, WAL start, restorable-from time)
#   wal/                       continuous WAL archive (point-in-time recovery)
#   files/                     the file store: every file once, verified against
#                              the database's checksum when copied; index.json
#   LATEST                     name of the newest base backup
# Retention: TD_BACKUP_KEEP_DAILY (7) newest-per-day and TD_BACKUP_KEEP_MONTHLY
# (12) newest-per-month base backups are kept, WAL older than the oldest kept
# one is removed. Files are never removed from files/ (nothing deposited is lost).

TD_BACKUP_TARGET="${TD_BACKUP_TARGET:-$TD_ROOT/.backups}"
TD_BACKUP_KEEP_DAILY="${TD_BACKUP_KEEP_DAILY:-7}"
TD_BACKUP_KEEP_MONTHLY="${TD_BACKUP_KEEP_MONTHLY:-12}"
TD_BACKUP_PASSPHRASE_FILE="${TD_BACKUP_PASSPHRASE_FILE:-$TD_SERVICES/backup-passphrase}"
TD_BACKUP_STATE="$TD_SERVICES/backup"
TD_BACKUP_PY="$TD_ROOT/scripts/lib/backup.py"
export TD_BACKUP_TARGET TD_BACKUP_KEEP_DAILY TD_BACKUP_KEEP_MONTHLY TD_BACKUP_PASSPHRASE_FILE
# status files read by the report page (techdata.preservation): last.json, last-wal-shipped,
# fixity.json (--check), last-drill.json (scripts/bench backup), last-restore.json (restore)
export TD_BACKUP_STATE

# _bk_py ARGS...: the backup helper (scripts/lib/backup.py) with the venv's Python.
_bk_py() { TD_PG_DB="${TD_PG_DB:-techdata}" "$TD_VENV/bin/python" "$TD_BACKUP_PY" "$@"; }

# backup_is_remote [TARGET]: true when the target is [user@]host:/folder.
backup_is_remote() { [[ "${1:-$TD_BACKUP_TARGET}" =~ ^[^/]+:.+ ]]; }

# _bk_ssh_host / _bk_ssh_path: the parts of a remote target.
_bk_ssh_host() { echo "${TD_BACKUP_TARGET%%:*}"; }
_bk_ssh_path() { echo "${TD_BACKUP_TARGET#*:}"; }

# _bk_push LOCAL_DIR REL: copy LOCAL_DIR's contents into TARGET/REL; files the
# target already has are left alone (everything in a target is write-once).
_bk_push() {
  local src="$1" rel="$2"
  if ! backup_is_remote; then
    mkdir -p "$TD_BACKUP_TARGET/$rel"
    cp -a -n "$src/." "$TD_BACKUP_TARGET/$rel/"
  elif command -v rsync >/dev/null; then
    rsync -a --ignore-existing "$src/" "$TD_BACKUP_TARGET/$rel/"
  else
    tar -C "$src" -cf - . | ssh "$(_bk_ssh_host)" \
      "mkdir -p '$(_bk_ssh_path)/$rel' && tar -C '$(_bk_ssh_path)/$rel' --skip-old-files -xf -"
  fi
}

# _bk_target_sh CMD: run a shell command in the target folder (locally or over SSH).
_bk_target_sh() {
  if backup_is_remote; then
    ssh "$(_bk_ssh_host)" "cd '$(_bk_ssh_path)' && $1"
  else
    (cd "$TD_BACKUP_TARGET" && sh -c "$1")
  fi
}

# _bk_fetch REL LOCAL_DIR: copy TARGET/REL (a folder) to LOCAL_DIR.
_bk_fetch() {
  mkdir -p "$2"
  if command -v rsync >/dev/null; then
    rsync -a "$TD_BACKUP_TARGET/$1/" "$2/"
  else
    ssh "$(_bk_ssh_host)" "tar -C '$(_bk_ssh_path)/$1' -cf - ." | tar -C "$2" -xf -
  fi
}

# backup_passphrase: the file holding the key-encryption passphrase; created
# (random, mode 0600) on the first backup, with a warning to keep a copy elsewhere.
backup_passphrase() {
  if [ ! -s "$TD_BACKUP_PASSPHRASE_FILE" ]; then
    (umask 077; "$TD_VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))' \
       > "$TD_BACKUP_PASSPHRASE_FILE")
    td_warn "created the backup passphrase $TD_BACKUP_PASSPHRASE_FILE: keep a copy OFF this host" \
            "(a password safe); restoring the keys needs it"
  fi
  echo "$TD_BACKUP_PASSPHRASE_FILE"
}

# backup_signing_key: path of the certificate signing key (INVENIO_TECHDATA_CERTIFICATE_KEY_PATH
# or the default in the instance folder).
backup_signing_key() {
  echo "${INVENIO_TECHDATA_CERTIFICATE_KEY_PATH:-$TD_INSTANCE/certificate-signing-key.pem}"
}

# backup_enable_archiving: make the WAL archiver keep segments (ENABLED marker);
# warn when the running cluster was started without archive_mode.
backup_enable_archiving() {
  td_svc_own "$TD_PG_WAL_ARCHIVE"
  touch "$TD_PG_WAL_ARCHIVE/ENABLED"
  if [ "$(postgres_psql -d postgres -tAc 'SHOW archive_mode')" != "on" ]; then
    td_warn "PostgreSQL runs without WAL archiving (it was started before this version of"
    td_warn "scripts/lib/postgres.sh): restart it (scripts/stop; scripts/run) for point-in-time"
    td_warn "recovery. Until then each backup restores to its own end time only."
    return 1
  fi
}

# backup_ship_wal: close the current WAL segment, wait until it is archived,
# copy the archived segments the target lacks, then drop them locally.
backup_ship_wal() {
  [ "$(postgres_psql -d postgres -tAc 'SHOW archive_mode')" = "on" ] || return 0
  local seg i failed
  seg="$(postgres_psql -d postgres -tAc "SELECT pg_walfile_name(pg_switch_wal())")"
  for i in $(seq 1 120); do
    [ -f "$TD_PG_WAL_ARCHIVE/$seg" ] && break
    sleep 0.5
  done
  if [ ! -f "$TD_PG_WAL_ARCHIVE/$seg" ]; then
    failed="$(postgres_psql -d postgres -tAc 'SELECT failed_count, last_failed_wal FROM pg_stat_archiver')"
    td_warn "WAL segment $seg not archived after 60 s (archiver failures: $failed)"
    return 1
  fi
  local stage; stage="$(mktemp -d "$TD_SERVICES/.wal-ship.XXXXXX")"
  find "$TD_PG_WAL_ARCHIVE" -maxdepth 1 -type f ! -name ENABLED ! -name '.*' \
    -exec sh -c 'ln "$1" "$2/" 2>/dev/null || cp "$1" "$2/"' _ {} "$stage" \;
  local n; n="$(find "$stage" -type f | wc -l)"
  _bk_push "$stage" wal || { rm -rf "$stage"; return 1; }
  # shipped: the local copies go (the archiver never rewrites a name), except for a
  # backup to another target (scripts/bench backup): the real target still needs them
  [ -n "${TD_BACKUP_KEEP_LOCAL_WAL:-}" ] || \
    find "$stage" -type f -printf '%f\n' | while read -r f; do rm -f "$TD_PG_WAL_ARCHIVE/$f"; done
  rm -rf "$stage"
  echo "wal: $n segment(s) shipped, up to $seg"
  [ -n "${TD_BACKUP_KEEP_LOCAL_WAL:-}" ] || date -u +%Y-%m-%dT%H:%M:%SZ > "$TD_BACKUP_STATE/last-wal-shipped"
}

# backup_files STORE_REL OUT: copy the new files of the store (verified) to the target.
backup_files() {
  local out="$1" store rc
  if backup_is_remote; then
    store="$(mktemp -d "$TD_SERVICES/.files-ship.XXXXXX")"
    _bk_target_sh "cat files/index.json 2>/dev/null" > "$store/index.json" || true
    [ -s "$store/index.json" ] || rm -f "$store/index.json"
    _bk_py files-sync "$store" "$out"; rc=$?
    _bk_push "$store" files && backup_is_remote && \
      { command -v rsync >/dev/null && rsync -a "$store/index.json" "$TD_BACKUP_TARGET/files/" \
        || scp -q "$store/index.json" "$TD_BACKUP_TARGET/files/index.json"; }
    rm -rf "$store"
  else
    _bk_py files-sync "$TD_BACKUP_TARGET/files" "$out"; rc=$?
  fi
  return $rc
}

# backup_keys DIR: the secret key, the signing key, invenio.cfg and the TD_*
# settings, tar.gz encrypted with AES-256-CBC (PBKDF2, 600,000 rounds) → DIR/keys.tar.gz.enc.
backup_keys() {
  local dir="$1" tmp pass key
  pass="$(backup_passphrase)"
  tmp="$(mktemp -d)"; chmod 700 "$tmp"
  mkdir -p "$tmp/keys"
  [ -s "$TD_SERVICES/secret_key" ] && cp "$TD_SERVICES/secret_key" "$tmp/keys/secret_key"
  key="$(backup_signing_key)"
  if [ -s "$key" ]; then cp "$key" "$tmp/keys/certificate-signing-key.pem"
  else td_warn "no certificate signing key at $key (none issued yet?)"; fi
  cp "$TD_ROOT/invenio.cfg" "$tmp/keys/invenio.cfg"
  env | grep -E '^(TD_|INVENIO_)' | grep -vE '^TD_(ROOT|SERVICES|LOGS|RUN|VENV)=' | sort > "$tmp/keys/settings.env"
  (cd "$tmp/keys" && ls) > "$tmp/list"
  tar -C "$tmp/keys" -czf - . | openssl enc -aes-256-cbc -pbkdf2 -iter 600000 -md sha256 -salt \
    -pass "file:$pass" -out "$dir/keys.tar.gz.enc" || { rm -rf "$tmp"; return 1; }
  echo "keys: $(tr '\n' ' ' < "$tmp/list")encrypted"
  rm -rf "$tmp"
}

# backup_keys_open FILE DEST: decrypt a keys.tar.gz.enc into DEST.
backup_keys_open() {
  mkdir -p "$2"; chmod 700 "$2"
  openssl enc -d -aes-256-cbc -pbkdf2 -iter 600000 -md sha256 -pass "file:$TD_BACKUP_PASSPHRASE_FILE" \
    -in "$1" | tar -C "$2" -xzf -
}

# backup_base: a full backup into TARGET/base/<stamp> (see the top of this file).
backup_base() {
  local stamp dir rc=0 t0=$SECONDS start_lsn tli walfile finished
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  if backup_is_remote; then dir="$TD_SERVICES/.backup-staging/$stamp"
  else dir="$TD_BACKUP_TARGET/base/.$stamp.partial"; fi
  rm -rf "$dir"; mkdir -p "$dir"
  td_info "base backup $stamp → $TD_BACKUP_TARGET"
  PGPASSWORD="$TD_PG_PASSWORD" "$TD_PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$TD_PG_PORT" \
    -U "$TD_PG_USER" -D "$dir" -Ft -z -X stream -c fast -l "techdata $stamp" \
    || { td_warn "pg_basebackup failed"; rm -rf "$dir"; return 1; }
  finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local unlogged
  unlogged="$(postgres_psql -d "$TD_PG_DB" -tAc "SELECT string_agg(relname, ' ') FROM pg_class WHERE relkind = 'r' AND relpersistence = 'u'")"
  [ -z "$unlogged" ] || td_warn "UNLOGGED tables (no WAL: restored EMPTY): $unlogged"
  read -r start_lsn tli < <("$TD_VENV/bin/python" -c '
import json, sys
r = json.load(open(sys.argv[1]))["WAL-Ranges"][0]
print(r["Start-LSN"], r["Timeline"])' "$dir/backup_manifest")
  walfile="$(_bk_py wal-name "$start_lsn" "$tli")"
  echo "database: $(du -sh "$dir" | cut -f1) in $((SECONDS - t0)) s, WAL from $walfile"
  backup_keys "$dir" || rc=1
  backup_files "$dir/files.json" || rc=2
  _bk_py manifest "$dir" "name=$stamp" "database=$TD_PG_DB" "start_lsn=$start_lsn" \
    "timeline=$tli" "start_wal=$walfile" "restorable_from=$finished" \
    "host=$(hostname)" "code=$(git -C "$TD_ROOT" rev-parse --short HEAD 2>/dev/null)" \
    "seconds=$((SECONDS - t0))" || rc=1
  local bytes; bytes="$(du -sb "$dir" | cut -f1)"
  if backup_is_remote; then
    _bk_push "$dir" "base/$stamp" && rm -rf "$TD_SERVICES/.backup-staging"
  else
    mv "$dir" "$TD_BACKUP_TARGET/base/$stamp"
  fi
  echo "$stamp" > "$TD_SERVICES/.latest-backup"
  _bk_push_file "$TD_SERVICES/.latest-backup" LATEST
  printf '{"name": "%s", "finished": "%s", "seconds": %s, "status": %s, "bytes": %s, "target": "%s"}\n' \
    "$stamp" "$finished" "$((SECONDS - t0))" "$rc" "${bytes:-0}" "$TD_BACKUP_TARGET" > "$TD_BACKUP_STATE/last.json"
  return $rc
}

# _bk_push_file FILE NAME: put one small file into the target's top folder.
_bk_push_file() {
  if backup_is_remote; then scp -q "$1" "$TD_BACKUP_TARGET/$2"
  else cp "$1" "$TD_BACKUP_TARGET/$2"; fi
}

# backup_retention: drop base backups beyond the daily/monthly retention and
# the WAL only they needed.
backup_retention() {
  local all keep oldest b
  all="$(_bk_target_sh "ls base 2>/dev/null" | grep -E '^[0-9]{8}T[0-9]{6}Z$')"
  [ -n "$all" ] || return 0
  keep="$(echo "$all" | _bk_py keep "$TD_BACKUP_KEEP_DAILY" "$TD_BACKUP_KEEP_MONTHLY")"
  for b in $all; do
    if ! grep -qx "$b" <<<"$keep"; then
      echo "retention: removing base/$b"
      _bk_target_sh "rm -rf 'base/$b'"
    fi
  done
  oldest="$(echo "$keep" | head -n 1)"
  local wal; wal="$(_bk_target_sh "cat 'base/$oldest/manifest.json'" | "$TD_VENV/bin/python" -c \
    'import json, sys; print(json.load(sys.stdin)["start_wal"])')" || return 0
  # segment names sort in WAL order; .history and .backup files are kept
  _bk_target_sh "ls wal 2>/dev/null" | grep -E '^[0-9A-F]{24}$' | while read -r f; do
    [[ "${f:8}" < "${wal:8}" ]] && _bk_target_sh "rm -f 'wal/$f'"
  done
  echo "retention: $(echo "$keep" | wc -l) base backup(s) kept (oldest $oldest), WAL from $wal"
}

# backup_run [--wal]: a full backup (or with --wal only the new WAL and files),
# then retention. Exit 0 ok, 1 failed, 2 done but a file failed its checksum.
backup_run() {
  local mode="${1:-full}" rc=0
  postgres_status >/dev/null || td_die "PostgreSQL is not running (scripts/run)"
  instance_env
  mkdir -p "$TD_BACKUP_STATE"
  if ! backup_is_remote; then
    mkdir -p "$TD_BACKUP_TARGET/base" "$TD_BACKUP_TARGET/wal" "$TD_BACKUP_TARGET/files"
    chmod 700 "$TD_BACKUP_TARGET"
  fi
  backup_is_remote || [[ "$(realpath "$TD_BACKUP_TARGET")" != "$(realpath "$TD_SERVICES")"* ]] || \
    td_warn "the backup target is inside $TD_SERVICES (scripts/reset deletes it)"
  backup_enable_archiving || true
  if [ "$mode" = "--wal" ]; then
    backup_files "$TD_BACKUP_STATE/files-last.json" || rc=2
  else
    backup_base || rc=$?
    [ "$rc" = 1 ] && return 1
  fi
  backup_ship_wal || rc=1
  [ "$mode" = "--wal" ] || backup_retention || rc=1
  return $rc
}

# backup_status: one line about the last backup, its age and the WAL lag.
backup_status() {
  local last age lag
  if [ ! -f "$TD_BACKUP_STATE/last.json" ]; then
    printf '%-12s none  (scripts/backup; target %s)\n' backup "$TD_BACKUP_TARGET"; return 1
  fi
  last="$("$TD_VENV/bin/python" -c '
import json, sys
from datetime import datetime, timezone
d = json.load(open(sys.argv[1]))
age = datetime.now(timezone.utc) - datetime.fromisoformat(d["finished"].replace("Z", "+00:00"))
h = age.total_seconds() / 3600
ok = "ok" if d["status"] == 0 else "PROBLEM (exit %s)" % d["status"]
print("%s  %.1f h old  %s  %s" % (d["name"], h, ok, d["target"]))' "$TD_BACKUP_STATE/last.json")"
  # WAL lag: segments written but not archived yet, archived but not shipped yet
  lag="$(postgres_psql -d postgres -tAc "SELECT 'writing ' || pg_walfile_name(pg_current_wal_lsn()) || ', archived up to ' || coalesce(last_archived_wal, 'none') || coalesce(' at ' || to_char(last_archived_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') || ', ' || failed_count || ' archive failures' FROM pg_stat_archiver" 2>/dev/null)"
  lag="$lag, $(find "$TD_PG_WAL_ARCHIVE" -maxdepth 1 -type f -name '0*' 2>/dev/null | wc -l) segment(s) not shipped yet"
  if [ -f "$TD_BACKUP_STATE/last-wal-shipped" ]; then
    lag="$lag; shipped $(cat "$TD_BACKUP_STATE/last-wal-shipped")"
  fi
  printf '%-12s %s; WAL: %s\n' backup "$last" "${lag:-unknown}"
}

# restore_is_live: true when this .services/ holds an instance (a database
# cluster, or a running web server or worker).
restore_is_live() {
  [ -f "$TD_PG_DATA/PG_VERSION" ] || td_pid_alive "$TD_RUN/web.pid" || td_pid_alive "$TD_RUN/celery.pid"
}

# restore_run BACKUP [--until TIMESTAMP] [--force] [--no-index]: see scripts/restore.
restore_run() {
  local backup="" until="" force=0 index=1 t0=$SECONDS
  while [ $# -gt 0 ]; do
    case "$1" in
      --until) until="$2"; shift 2;;
      --force) force=1; shift;;
      --no-index) index=0; shift;;
      --passphrase-file) TD_BACKUP_PASSPHRASE_FILE="$2"; shift 2;;
      -*) td_die "unknown option $1";;
      *) backup="$1"; shift;;
    esac
  done
  [ -n "$backup" ] || td_die "usage: scripts/restore BACKUP [--until TIMESTAMP] [--force] [--no-index]"
  # A remote backup is fetched first (the base backup, the WAL and the files).
  if backup_is_remote "$backup"; then
    local local_root="$TD_SERVICES/.restore-fetch" name="${backup##*/}"
    TD_BACKUP_TARGET="${backup%/base/*}"
    td_info "fetching $backup"
    _bk_fetch "base/$name" "$local_root/base/$name" && _bk_fetch wal "$local_root/wal" \
      && _bk_fetch files "$local_root/files" || td_die "could not fetch $backup"
    backup="$local_root/base/$name"
  fi
  backup="$(realpath "$backup")"
  local root; root="$(dirname "$(dirname "$backup")")"
  [ -f "$backup/manifest.json" ] || td_die "$backup is not a backup (no manifest.json); backups are TARGET/base/<time>"
  if [ -n "$until" ]; then
    date -d "$until" >/dev/null 2>&1 || td_die "--until: '$until' is not a time (e.g. '2026-11-30 21:05:00+08')"
  fi
  if restore_is_live; then
    [ "$force" = 1 ] || td_die "$TD_SERVICES holds an instance (database $TD_PG_DATA); restore refuses to" \
      "overwrite it. Restore into another folder (TD_SERVICES=/new/place scripts/restore ...) or give --force" \
      "(it stops the instance and keeps the old database and files as *.replaced-<time>)."
    local aside; aside="replaced-$(date -u +%Y%m%dT%H%M%SZ)"
    td_info "--force: stopping the instance, keeping the old data as *.$aside"
    web_stop; celery_stop; postgres_stop
    [ -d "$TD_PG_DATA" ] && mv "$TD_PG_DATA" "$TD_PG_DATA.$aside"
    [ -d "$TD_SERVICES/data/files" ] && mv "$TD_SERVICES/data/files" "$TD_SERVICES/data/files.$aside"
  fi
  td_info "[1/6] checking $backup against its manifest"
  _bk_py verify "$backup" || td_die "the backup is damaged (see above)"
  [ -s "$TD_BACKUP_PASSPHRASE_FILE" ] || td_die "no passphrase file $TD_BACKUP_PASSPHRASE_FILE (--passphrase-file FILE)"

  td_info "[2/6] database: base backup"
  td_svc_own "$TD_SERVICES/postgres" "$TD_RUN"
  mkdir -p "$TD_PG_DATA/pg_wal"
  tar -C "$TD_PG_DATA" -xzf "$backup/base.tar.gz"
  tar -C "$TD_PG_DATA/pg_wal" -xzf "$backup/pg_wal.tar.gz"
  cp "$backup/backup_manifest" "$TD_PG_DATA/backup_manifest"
  chmod 700 "$TD_PG_DATA"
  td_svc_own "$TD_PG_DATA"
  td_as_svc "$TD_PG_BIN/pg_verifybackup" -q "$TD_PG_DATA" \
    || td_die "pg_verifybackup: the restored base backup does not match its backup_manifest"
  rm -f "$TD_PG_DATA/backup_manifest"
  # this cluster's own port and socket; recover from the target's WAL archive
  td_as_svc sh -c "cat >> '$TD_PG_DATA/postgresql.conf'" <<CONF
# scripts/restore $(date -u +%FT%TZ): this instance's port and socket
port = $TD_PG_PORT
unix_socket_directories = '$TD_RUN'
CONF
  # the archive, readable by the database's user (the target may be root's only)
  local walcopy="$TD_SERVICES/postgres/restore-wal"
  rm -rf "$walcopy"; cp -r "$root/wal" "$walcopy"; td_svc_own "$walcopy"
  td_as_svc sh -c "cat >> '$TD_PG_DATA/postgresql.auto.conf'" <<CONF
restore_command = 'cp "$walcopy/%f" "%p"'
recovery_target_timeline = 'latest'
recovery_target_action = 'promote'
CONF
  if [ -n "$until" ]; then
    td_as_svc sh -c "echo \"recovery_target_time = '$until'\" >> '$TD_PG_DATA/postgresql.auto.conf'"
  fi
  td_as_svc touch "$TD_PG_DATA/recovery.signal"
  td_info "[3/6] database: replaying WAL $([ -n "$until" ] && echo "until $until" || echo "to the end of the archive")"
  postgres_start
  local i
  for i in $(seq 1 "${TD_RESTORE_TIMEOUT:-900}"); do
    [ "$(postgres_psql -d postgres -tAc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = "f" ] && break
    if ! postgres_running; then
      tail -n 15 "$TD_LOGS/postgres.log" >&2
      td_die "PostgreSQL stopped during recovery (see above; an --until before the backup's end" \
        "($(_restore_fact "$backup" restorable_from)) or after the archived WAL cannot be reached)"
    fi
    sleep 1
  done
  [ "$(postgres_psql -d postgres -tAc 'SELECT pg_is_in_recovery()')" = "f" ] || td_die "recovery not finished after ${TD_RESTORE_TIMEOUT:-900} s"
  postgres_psql -d postgres -qc "ALTER SYSTEM RESET restore_command" \
    -c "ALTER SYSTEM RESET recovery_target_timeline" -c "ALTER SYSTEM RESET recovery_target_action" \
    -c "ALTER SYSTEM RESET recovery_target_time" -c "SELECT pg_reload_conf()" >/dev/null
  rm -rf "$walcopy"
  grep -E "recovery stopping|archive recovery complete|selected new timeline" "$TD_LOGS/postgres.log" | tail -n 3

  td_info "[4/6] keys and settings"
  local keys; keys="$(mktemp -d)"
  backup_keys_open "$backup/keys.tar.gz.enc" "$keys" || { rm -rf "$keys"; td_die "could not decrypt the keys (wrong passphrase?)"; }
  mkdir -p "$TD_INSTANCE" "$TD_SERVICES/restored-settings"
  [ -f "$keys/secret_key" ] && install -m 600 "$keys/secret_key" "$TD_SERVICES/secret_key"
  if [ -f "$keys/certificate-signing-key.pem" ]; then
    install -D -m 600 "$keys/certificate-signing-key.pem" "$(backup_signing_key)"
    echo "certificate signing key → $(backup_signing_key)"
  fi
  cp "$keys/invenio.cfg" "$keys/settings.env" "$TD_SERVICES/restored-settings/" 2>/dev/null
  chmod -R go-rwx "$TD_SERVICES/restored-settings"
  rm -rf "$keys"
  echo "secret key → $TD_SERVICES/secret_key; the backed-up invenio.cfg and TD_* settings → $TD_SERVICES/restored-settings/"

  instance_env
  td_info "[5/6] files → $TD_SERVICES/data/files"
  local rc=0
  _bk_py restore-files "$root/files" "$TD_SERVICES/data/files" || rc=2
  instance_link
  instance_db_oid > "$TD_INSTANCE/.initialised"

  if [ "$index" = 1 ]; then
    td_info "[6/6] search indices rebuilt from the database"
    restore_reindex || rc=1
  else
    td_info "[6/6] search indices: skipped (--no-index); rebuild with scripts/restore --reindex"
  fi
  td_info "restored in $((SECONDS - t0)) s${until:+ to $until}; start serving with scripts/run"
  mkdir -p "$TD_BACKUP_STATE"
  printf '{"finished": "%s", "backup": "%s", "until": "%s", "seconds": %s, "status": %s}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${backup##*/}" "$until" "$((SECONDS - t0))" "$rc" \
    > "$TD_BACKUP_STATE/last-restore.json"
  return $rc
}

# _restore_fact BACKUP KEY: one fact of a backup's manifest.
_restore_fact() {
  "$TD_VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
    "$1/manifest.json" "$2" 2>/dev/null
}

# restore_reindex: rebuild every search index from the database (OpenSearch is
# never backed up: everything in it is derived from PostgreSQL). The same
# commands as `invenio index destroy/init`, the custom-field inits, `invenio
# techdata upgrade` and `invenio rdm rebuild-all-indices`, in one process.
restore_reindex() {
  curl -fsS -o /dev/null "http://127.0.0.1:$TD_OS_PORT" || \
    { td_warn "OpenSearch is not running: scripts/run starts it, then scripts/restore --reindex"; return 1; }
  instance_link
  export INVENIO_CELERY_TASK_ALWAYS_EAGER=True
  # creating every index at once can be slow: a patient search client
  export INVENIO_SEARCH_CLIENT_CONFIG="${INVENIO_SEARCH_CLIENT_CONFIG:-{'timeout': 120}}"
  "$TD_VENV/bin/python" - <<'PY'
import sys

from invenio_app.factory import create_app
from invenio_app_rdm.cli import rebuild_all_indices
from invenio_communities.cli import create_communities_custom_field
from invenio_rdm_records.cli import create_records_custom_field
from invenio_search.cli import destroy, init

from techdata.cli import upgrade

app = create_app()
runner = app.test_cli_runner()
for label, command, args in (
        ("indices removed", destroy, ["--force", "--yes-i-know"]),
        ("indices created", init, []),
        ("record custom fields", create_records_custom_field, []),
        ("community custom fields", create_communities_custom_field, []),
        # its start-up catch-up would reindex everything (all changed "in the last day"
        # after a restore): rebuild-all-indices below does it once (halves the time)
        ("techdata upgrade", upgrade, ["--no-index-catch-up"]),
        ("every record, request, vocabulary... indexed", rebuild_all_indices, [])):
    result = runner.invoke(command, args)
    if result.exit_code != 0 and command is not destroy:
        print(result.output, file=sys.stderr)
        if result.exception:
            import traceback
            traceback.print_exception(result.exception, file=sys.stderr)
        sys.exit(f"search indices: '{label}' failed")
    print(f"search: {label}")
# the rebuild queued every id: index them now (the beat task "indexer" would, every 10 s)
from invenio_access.permissions import system_identity
from invenio_indexer.proxies import current_indexer_registry
from invenio_records_resources.proxies import current_service_registry
with app.app_context():
    done = 0
    for name in list(current_indexer_registry.all()):
        try:
            current_indexer_registry.get(name).process_bulk_queue()
            done += 1
        except Exception as exc:  # noqa: BLE001  (report, go on with the others)
            print(f"search: indexer {name}: {exc!r}", file=sys.stderr)
    # our own services outside InvenioRDM's registry (projects): rebuilt one by one
    registered = set(map(id, current_service_registry._services.values()))
    ext = app.extensions["techdata"]
    for attr in sorted(vars(ext)):
        service = getattr(ext, attr)
        if attr.endswith("_service") and hasattr(service, "rebuild_index") \
                and id(service) not in registered:
            try:
                service.rebuild_index(system_identity)
                service.indexer.process_bulk_queue()
                done += 1
            except NotImplementedError:
                pass
            except Exception as exc:  # noqa: BLE001
                print(f"search: {attr}: {exc!r}", file=sys.stderr)
print(f"search: {done} indexing queues processed")
PY
}

# backup_bench: RPO/RTO figures of this instance (scripts/bench backup): a full
# backup into a temporary target, then a restore of it (indices included) into
# a temporary .services with its own PostgreSQL port and index prefix; times
# and sizes to a table and .services/bench/backup-<time>.json. The instance
# itself is only read (its WAL archiving marker is put back as it was).
backup_bench() {
  postgres_status >/dev/null || td_die "PostgreSQL is not running (scripts/run)"
  local tmp target svc port enabled=0 t0 b_s r_s rc out
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/td-bench-backup.XXXXXX")"; chmod 755 "$tmp"
  target="$tmp/target"; svc="$tmp/restored"
  port="$("$TD_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  [ -f "$TD_PG_WAL_ARCHIVE/ENABLED" ] && enabled=1
  t0=$SECONDS
  mkdir -p "$TD_BACKUP_STATE"  # the instance's own last backup stays the one reported
  [ -f "$TD_BACKUP_STATE/last.json" ] && cp "$TD_BACKUP_STATE/last.json" "$tmp/last.json"
  TD_BACKUP_TARGET="$target" TD_BACKUP_PASSPHRASE_FILE="$tmp/pass" TD_BACKUP_KEEP_LOCAL_WAL=1 \
    "$TD_ROOT/scripts/backup" || td_die "backup failed"
  b_s=$((SECONDS - t0))
  if [ -f "$tmp/last.json" ]; then cp "$tmp/last.json" "$TD_BACKUP_STATE/last.json"
  else rm -f "$TD_BACKUP_STATE/last.json"; fi
  [ "$enabled" = 1 ] || rm -f "$TD_PG_WAL_ARCHIVE/ENABLED"
  t0=$SECONDS
  env -u INVENIO_INSTANCE_PATH -u TD_SECRET_KEY TD_SERVICES="$svc" TD_PG_PORT="$port" \
    TD_INDEX_PREFIX="bench-restore-" TD_BACKUP_PASSPHRASE_FILE="$tmp/pass" \
    "$TD_ROOT/scripts/restore" "$target/base/$(cat "$target/LATEST")"; rc=$?
  r_s=$((SECONDS - t0))
  TD_SERVICES="$svc" TD_PG_PORT="$port" bash -c "source '$TD_ROOT/scripts/lib/all.sh'; postgres_stop" || true
  curl -fsS -XDELETE "http://127.0.0.1:$TD_OS_PORT/bench-restore-*" >/dev/null 2>&1 || true
  mkdir -p "$TD_SERVICES/bench"
  out="$TD_SERVICES/bench/backup-$(date -u +%Y%m%dT%H%M%SZ).json"
  "$TD_VENV/bin/python" - "$target" "$b_s" "$r_s" "$rc" "$out" <<'PY'
import json, os, sys
target, b_s, r_s, rc, out = sys.argv[1:]
name = open(os.path.join(target, "LATEST")).read().strip()
manifest = json.load(open(os.path.join(target, "base", name, "manifest.json")))
size = lambda p: sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(p) for f in fs)
result = {"backup_seconds": int(b_s), "restore_seconds": int(r_s), "restore_exit": int(rc),
          "database_bytes": sum(v["size"] for k, v in manifest["contents"].items() if k.endswith(".tar.gz")),
          "files": manifest.get("file_store", {}), "target_bytes": size(target)}
json.dump(result, open(out, "w"), indent=1)
# the report page's "last restore drill" (techdata.preservation)
drill = {**result, "finished": __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime()),
         "status": int(rc)}
json.dump(drill, open(os.path.join(os.environ["TD_BACKUP_STATE"], "last-drill.json"), "w"), indent=1)
print(f"backup  {result['backup_seconds']:>6} s   database {result['database_bytes'] / 2**20:8.1f} MiB (compressed), "
      f"files {result['files'].get('count', 0)} ({result['files'].get('bytes', 0) / 2**20:.1f} MiB)")
print(f"restore {result['restore_seconds']:>6} s   (database replay, files verified, indices rebuilt; exit {rc})")
print(f"target  {result['target_bytes'] / 2**20:8.1f} MiB   → {out}")
PY
  rm -rf "$tmp"
  return "$rc"
}
