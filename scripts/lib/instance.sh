# The Invenio instance: instance folder, static files and JS/CSS build,
# database/index/fixtures initialisation and demo data. Sourced after
# common.sh, python.sh, postgres.sh.

TD_INSTANCE="$TD_SERVICES/instance"
export INVENIO_INSTANCE_PATH="$TD_INSTANCE"
export PATH="$TD_VENV/bin:$PATH"

# instance_env: the environment every invenio/celery/gunicorn process gets.
instance_env() {
  mkdir -p "$TD_INSTANCE"
  [ -s "$TD_SERVICES/secret_key" ] || \
    (umask 077; "$TD_VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))' > "$TD_SERVICES/secret_key")
  export TD_SECRET_KEY="$(cat "$TD_SERVICES/secret_key")"
  export TD_PG_DB="${TD_PG_DB:-techdata}"
}

# instance_link: link invenio.cfg, templates/ and app_data/ into the instance folder.
instance_link() {
  instance_env
  local f
  for f in invenio.cfg templates app_data; do
    ln -sfn "$TD_ROOT/$f" "$TD_INSTANCE/$f"
  done
}

# instance_translations: compile our Chinese (zh) catalogue (techdata.i18n).
instance_translations() {
  "$TD_VENV/bin/python" -c 'from techdata.i18n import build_catalog; p, n, b = build_catalog(); print(f"{p}: {n} own, {b} broken installed entries overridden")'
}

# _inputs_hash DIR...: hash of requirements.lock and the files under DIRs.
_inputs_hash() {
  (cd "$TD_ROOT" && cat requirements.lock && find "$@" -type f -not -name package-lock.json -not -path '*/__pycache__/*' -print0 \
    | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

# static_collect: copy the packages' static files into the instance
# (`invenio collect`); skipped when they are unchanged.
static_collect() {
  instance_link
  local stamp="$TD_INSTANCE/.static-stamp" want
  want="$(_inputs_hash site/techdata/static)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "static files up to date"; return 0; fi
  invenio collect -v >/dev/null
  echo "$want" > "$stamp"
}

# assets_build: build the JS/CSS bundles; skipped when the inputs are
# unchanged and a manifest exists. The npm lockfile is kept in
# assets/package-lock.json (copied in before, back out after the install).
assets_build() {
  instance_link
  local stamp="$TD_INSTANCE/.assets-stamp" want a="$TD_INSTANCE/assets"
  want="$(_inputs_hash assets site/techdata/assets)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$TD_INSTANCE/static/dist/manifest.json" ]; then
    echo "assets up to date"; return 0
  fi
  echo "[1/4] invenio webpack create"
  invenio webpack create
  echo "[2/4] instance assets and npm pins"
  cp -r "$TD_ROOT/assets/." "$a/"
  "$TD_VENV/bin/python" - "$a/package.json" "$TD_ROOT/assets/npm-overrides.json" <<'PY'
import json, sys
pkg_path, overrides_path = sys.argv[1:3]
pkg = json.load(open(pkg_path))
pkg["overrides"] = json.load(open(overrides_path))
json.dump(pkg, open(pkg_path, "w"), indent=2)
PY
  echo "[3/4] npm install"
  (cd "$a" && npm install --no-audit --no-fund --loglevel=error)
  cp "$a/package-lock.json" "$TD_ROOT/assets/package-lock.json"
  echo "[4/4] webpack build"
  (cd "$a" && NODE_OPTIONS="--max-old-space-size=4096" npm run build)
  echo "$want" > "$stamp"
}

# instance_db_oid: identity of the instance database (changes when it is recreated).
instance_db_oid() {
  postgres_psql -d postgres -tAc "SELECT oid FROM pg_database WHERE datname='$TD_PG_DB'"
}

# instance_is_initialised: true when the complete initialisation ran on this
# very database (sentinel written last, holding the database's oid).
instance_is_initialised() {
  local sentinel="$TD_INSTANCE/.initialised"
  [ -f "$sentinel" ] && [ "$(cat "$sentinel")" = "$(instance_db_oid)" ]
}

# instance_init: create tables, files location, indices, custom fields,
# vocabularies and fixtures, once. A run that stopped half-way is redone from
# scratch (nothing but fixtures is in the database yet). Celery tasks run
# eagerly here.
instance_init() {
  instance_link
  postgres_ensure_db "$TD_PG_DB"
  if instance_is_initialised; then echo "already initialised"; return 0; fi
  export INVENIO_CELERY_TASK_ALWAYS_EAGER=True
  echo "[$(date +%T)] [1/7] database tables (fresh)"
  invenio db destroy --yes-i-know >/dev/null 2>&1 || true
  postgres_ensure_db "$TD_PG_DB"
  invenio db create
  echo "[$(date +%T)] [2/7] files location"
  mkdir -p "$TD_SERVICES/data/files"
  invenio files location create --default default-location "$TD_SERVICES/data/files"
  echo "[$(date +%T)] [3/7] search indices (fresh)"
  invenio index destroy --force --yes-i-know >/dev/null 2>&1 || true
  invenio index init
  echo "[$(date +%T)] [4/7] custom fields"
  invenio rdm-records custom-fields init
  invenio communities custom-fields init
  echo "[$(date +%T)] [5/7] roles"
  invenio roles create admin
  invenio access allow superuser-access role admin
  invenio access allow administration-access role admin
  invenio techdata roles
  echo "[$(date +%T)] [6/7] fixtures (vocabularies, pages)"
  invenio rdm-records fixtures
  invenio rdm fixtures
  echo "[$(date +%T)] [7/7] queues"
  invenio queues declare
  instance_db_oid > "$TD_INSTANCE/.initialised"
}

# instance_update: bring an initialised instance up to the code: custom-field
# mappings and vocabulary types added since (both idempotent; existing
# vocabularies are left as they are), new tables, domain roles, city centre.
instance_update() {
  instance_link
  local stamp="$TD_INSTANCE/.update-stamp" want
  want="$(instance_db_oid)-$(_inputs_hash app_data site/techdata)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "instance up to date"; return 0; fi
  export INVENIO_CELERY_TASK_ALWAYS_EAGER=True
  invenio rdm-records custom-fields init
  invenio communities custom-fields init
  invenio rdm-records fixtures
  invenio techdata upgrade
  echo "$want" > "$stamp"
}

# instance_demo: domain roles, demo users and demo records (idempotent).
instance_demo() {
  instance_link
  local stamp="$TD_INSTANCE/.demo-stamp" want
  want="$(instance_db_oid)-$(_inputs_hash site/techdata/demo)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "demo data up to date"; return 0; fi
  INVENIO_CELERY_TASK_ALWAYS_EAGER=True invenio techdata demo
  echo "$want" > "$stamp"
}
