# A plain InvenioRDM 14 ("vanilla") beside ours, for `scripts/bench vanilla`
# (issue 21, point 2): its own venv, instance folder, database, index prefix
# and Redis database on the same services, served on another loopback port.
# Built once and cached under .services/vanilla/ (gitignored). Sourced after
# all.sh; used by scripts/bench only (too slow for the tests).

TD_VANILLA="$TD_SERVICES/vanilla"
TD_VANILLA_VENV="$TD_VANILLA/venv"
TD_VANILLA_INSTANCE="$TD_VANILLA/instance"
TD_VANILLA_PORT="${TD_VANILLA_PORT:-5099}"
TD_VANILLA_DB="${TD_VANILLA_DB:-techdata_vanilla}"
TD_VANILLA_INDEX_PREFIX="${TD_VANILLA_INDEX_PREFIX:-vanilla-}"
# Our instance uses Redis databases 0-5, the test runs 8 and up (four each).
TD_VANILLA_REDIS_DB="${TD_VANILLA_REDIS_DB:-7}"
TD_VANILLA_SPEC='invenio-app-rdm[opensearch2]==14.0.5'
TD_VANILLA_USER="bench@vanilla.example.org"

# _vanilla_run CMD...: run CMD of the vanilla venv in the vanilla instance.
_vanilla_run() {
  (cd "$TD_VANILLA_INSTANCE" && env INVENIO_INSTANCE_PATH="$TD_VANILLA_INSTANCE" \
     PATH="$TD_VANILLA_VENV/bin:/usr/local/bin:/usr/bin:/bin" "$@")
}

# vanilla_venv: the venv with invenio-app-rdm 14.0.5 and the pins of
# requirements.lock (pip constraints), nothing of ours; skipped when built.
vanilla_venv() {
  local stamp="$TD_VANILLA_VENV/.stamp" want
  want="$( (echo "$TD_VANILLA_SPEC"; cat "$TD_ROOT/requirements.lock") | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$TD_VANILLA_VENV/bin/invenio" ]; then
    return 0
  fi
  mkdir -p "$TD_VANILLA"
  [ -x "$TD_VANILLA_VENV/bin/python" ] || python3.11 -m venv "$TD_VANILLA_VENV" || return 1
  "$TD_VANILLA_VENV/bin/pip" install -q --upgrade pip setuptools wheel || return 1
  "$TD_VANILLA_VENV/bin/pip" install -q --progress-bar off -c "$TD_ROOT/requirements.lock" \
    "$TD_VANILLA_SPEC" gunicorn || return 1
  echo "$want" > "$stamp"
}

# vanilla_cfg: its invenio.cfg (services as ours, its own database, prefix,
# Redis database, port) and the JS/CSS manifest of ours (a superset of the
# vanilla bundles: pages render server side without a second npm build).
vanilla_cfg() {
  mkdir -p "$TD_VANILLA_INSTANCE" "$TD_VANILLA/files"
  [ -s "$TD_VANILLA/secret_key" ] || \
    (umask 077; "$TD_VANILLA_VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))' > "$TD_VANILLA/secret_key")
  ln -sfn "$TD_INSTANCE/static" "$TD_VANILLA_INSTANCE/static"
  # The vocabularies InvenioRDM ships, but for three long lists no bench record
  # uses, short as ours (7,800 languages, 6,585 ORCID names and 706 programming
  # languages take 30 min to load on the shared machine)
  mkdir -p "$TD_VANILLA_INSTANCE/app_data/vocabularies"
  cp "$TD_ROOT/app_data/vocabularies/"{languages,names,programming_languages}.yaml \
    "$TD_VANILLA_INSTANCE/app_data/vocabularies/"
  cat > "$TD_VANILLA_INSTANCE/app_data/vocabularies.yaml" <<'YAML'
languages:
  pid-type: lng
  data-file: vocabularies/languages.yaml
names:
  pid-type: names
  data-file: vocabularies/names.yaml
code:programmingLanguages:
  pid-type: pl
  data-file: vocabularies/programming_languages.yaml
YAML
  local redis="redis://127.0.0.1:$TD_REDIS_PORT/$TD_VANILLA_REDIS_DB"
  local web="http://127.0.0.1:$TD_VANILLA_PORT"
  cat > "$TD_VANILLA_INSTANCE/invenio.cfg" <<CFG
# Written by scripts/lib/vanilla.sh (vanilla InvenioRDM for the bench).
SECRET_KEY = "$(cat "$TD_VANILLA/secret_key")"
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://$TD_PG_USER:${TD_PG_PASSWORD:-techdata}@127.0.0.1:$TD_PG_PORT/$TD_VANILLA_DB"
SEARCH_HOSTS = [{"host": "127.0.0.1", "port": $TD_OS_PORT}]
SEARCH_INDEX_PREFIX = "$TD_VANILLA_INDEX_PREFIX"
CACHE_REDIS_URL = "$redis"
ACCOUNTS_SESSION_REDIS_URL = "$redis"
BROKER_URL = "$redis"
CELERY_BROKER_URL = "$redis"
CELERY_RESULT_BACKEND = "$redis"
RATELIMIT_STORAGE_URI = "$redis"
COMMUNITIES_IDENTITIES_CACHE_REDIS_URL = "$redis"
IIIF_CACHE_REDIS_URL = "$redis"
SITE_UI_URL = "$web"
SITE_API_URL = "$web/api"
TRUSTED_HOSTS = ["127.0.0.1", "localhost"]
WEBPACKEXT_PROJECT = "invenio_assets.webpack:webpack_project"
MAIL_SUPPRESS_SEND = True
from invenio_app.config import APP_DEFAULT_SECURE_HEADERS as _headers
APP_DEFAULT_SECURE_HEADERS = {**_headers, "force_https": False, "session_cookie_secure": False,
                              "strict_transport_security": False}
SESSION_COOKIE_SECURE = False
CFG
}

# vanilla_init: tables, files location, indices, vocabularies, the bench user,
# once per database (sentinel holds the database's oid, as instance_init's).
vanilla_init() {
  local oid
  postgres_ensure_db "$TD_VANILLA_DB" || return 1
  oid="$(postgres_psql -d postgres -tAc "SELECT oid FROM pg_database WHERE datname='$TD_VANILLA_DB'")"
  [ -f "$TD_VANILLA/.initialised" ] && [ "$(cat "$TD_VANILLA/.initialised")" = "$oid" ] && return 0
  export INVENIO_CELERY_TASK_ALWAYS_EAGER=True
  _vanilla_run invenio db destroy --yes-i-know >/dev/null 2>&1 || true
  postgres_ensure_db "$TD_VANILLA_DB" || return 1
  oid="$(postgres_psql -d postgres -tAc "SELECT oid FROM pg_database WHERE datname='$TD_VANILLA_DB'")"
  _vanilla_run invenio db create || return 1
  _vanilla_run invenio files location create --default default-location "$TD_VANILLA/files" || return 1
  _vanilla_run invenio index destroy --force --yes-i-know >/dev/null 2>&1 || true
  _vanilla_run invenio index init || return 1
  _vanilla_run invenio roles create admin
  _vanilla_run invenio rdm-records fixtures || return 1
  _vanilla_run invenio queues declare
  _vanilla_run invenio users create "$TD_VANILLA_USER" --password "bench-$(date +%s)-pw" \
    --active --confirm || return 1
  unset INVENIO_CELERY_TASK_ALWAYS_EAGER
  echo "$oid" > "$TD_VANILLA/.initialised"
}

# vanilla_token: a new API token of the bench user (printed).
vanilla_token() {
  _vanilla_run invenio tokens create -n "bench-$(date +%s)" -u "$TD_VANILLA_USER" 2>/dev/null | tail -n 1
}

# vanilla_start: gunicorn (as ours: 3 workers, 2 threads) and a Celery worker.
vanilla_start() {
  td_pid_alive "$TD_RUN/vanilla-web.pid" && return 0
  _vanilla_run celery -A invenio_app.celery worker -Q celery,low -c 2 -l WARNING \
    --pidfile "$TD_RUN/vanilla-celery.pid" --detach \
    --logfile "$TD_LOGS/vanilla-celery.log" || return 1
  _vanilla_run gunicorn invenio_app.wsgi:application \
    --bind "127.0.0.1:$TD_VANILLA_PORT" --workers "${TD_WEB_WORKERS:-3}" --threads 2 \
    --timeout 120 --pid "$TD_RUN/vanilla-web.pid" --daemon --no-control-socket \
    --error-logfile "$TD_LOGS/vanilla-web.log" || return 1
  local i
  for i in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$TD_VANILLA_PORT/api/records?size=1" 2>/dev/null && return 0
    sleep 1
  done
  td_warn "vanilla web server not answering after 120 s; see $TD_LOGS/vanilla-web.log"
  return 1
}

# vanilla_stop: stop its web server and worker.
vanilla_stop() {
  td_stop_pidfile "$TD_RUN/vanilla-web.pid" 30
  td_stop_pidfile "$TD_RUN/vanilla-celery.pid" 30
}
