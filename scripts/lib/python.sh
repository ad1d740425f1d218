# System packages and the Python virtualenv. Sourced after common.sh.

# Debian packages the project needs: the services, the PDF fonts, the browser
# for the browser tests.
TD_DEB_PACKAGES=(postgresql redis-server fonts-noto-cjk chromium libpango-1.0-0 libpangoft2-1.0-0)

# deps_system: install the Debian packages that are missing (needs root).
deps_system() {
  local missing=() p
  for p in "${TD_DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || td_die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# deps_python: create .venv (Python 3.11) and install the site package with its
# pinned dependencies (requirements.lock); skipped when nothing changed.
deps_python() {
  local py stamp="$TD_VENV/.techdata-stamp" want
  want="$(cat "$TD_ROOT/pyproject.toml" "$TD_ROOT/requirements.lock" | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$TD_VENV/bin/invenio" ]; then
    echo "venv up to date"; return 0
  fi
  if [ ! -x "$TD_VENV/bin/python" ]; then
    py="$(command -v python3.11 || true)"
    [ -n "$py" ] || td_die "Python 3.11 not found"
    "$py" -m venv "$TD_VENV"
  fi
  "$TD_VENV/bin/pip" install -q --upgrade pip setuptools wheel
  "$TD_VENV/bin/pip" install --progress-bar off -c "$TD_ROOT/requirements.lock" -e "$TD_ROOT[tests]"
  echo "$want" > "$stamp"
}
