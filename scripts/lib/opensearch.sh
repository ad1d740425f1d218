# OpenSearch 2.19.x for the project: installed from Maven Central, run in user
# space on loopback only. Source it after common.sh; do not run it.
#
#   opensearch_install   download + assemble the node (idempotent, fast when done)
#   opensearch_start     start it (idempotent) and wait for yellow/green health
#   opensearch_stop      stop what opensearch_start started
#   opensearch_status    one status line; 0 when up, 1 when down
#
# Why Maven and not the usual tarball: the only network here is the package
# registries. Maven Central has the "integ-test-zip" distribution (core + the
# transport-netty4 module only) and every other module as a plain jar. We add the
# modules InvenioRDM needs by putting each jar and its runtime dependencies in
# dist/modules/<name>/ with the plugin-descriptor.properties (and, where the
# module needs extra Java permissions, plugin-security.policy) that the real
# distribution would ship; both are written by this file.
#
# Layout under $TD_SERVICES/opensearch/ (owned by the service user when root):
#   mvn/      generated Maven reactor; mvn/*/target/dependency/ = downloaded artifacts
#   dist/     the assembled OpenSearch home (bin, lib, modules, ...)
#   config/   opensearch.yml, jvm.options, log4j2.properties, keystore
#   data/     indices            logs/   OpenSearch's own logs     tmp/   JVM tmp
# The process's stdout/stderr go to $TD_LOGS/opensearch.log; its pid to
# $TD_RUN/opensearch.pid.

TD_OS_VERSION="${TD_OS_VERSION:-2.19.6}"           # newest 2.19.x on Maven Central
TD_OS_HEAP="${TD_OS_HEAP:-1g}"
TD_OS_TRANSPORT_PORT="${TD_OS_TRANSPORT_PORT:-$((TD_OS_PORT + 100))}"
TD_OS_JAVA_HOME="${TD_OS_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
TD_OS_HOME="$TD_SERVICES/opensearch"
TD_OS_DIST="$TD_OS_HOME/dist"
TD_OS_PIDFILE="$TD_RUN/opensearch.pid"
TD_OS_LOG="$TD_LOGS/opensearch.log"
TD_OS_URL="http://127.0.0.1:$TD_OS_PORT"

# Modules added to the distribution, one per line:
#   module-dir | Maven artifactId (group org.opensearch.plugin) | plugin class | extended plugins
# (transport-netty4, the HTTP/transport layer, is already in the distribution zip.)
#   analysis-common   cjk/edge_ngram/asciifolding/pattern_replace/uax_url_email...
#   mapper-extras     search_as_you_type (vocabularies), scaled_float, rank_feature...
#   geo               geo_shape (RDM records/drafts: locations) + geo aggregations
#   parent-join       join field (invenio-requests request events)
#   percolator        percolator field (invenio-oaiserver OAI sets)
#   lang-painless     scripts (sorting, update/delete-by-query)
#   reindex           _reindex, _update_by_query, _delete_by_query (index migrations)
#   aggs-matrix-stats matrix_stats aggregation (part of a stock node; harmless)
TD_OS_MODULES='
lang-painless     | lang-painless            | org.opensearch.painless.PainlessPlugin                           |
analysis-common   | analysis-common          | org.opensearch.analysis.common.CommonAnalysisPlugin              | lang-painless
mapper-extras     | mapper-extras-client     | org.opensearch.index.mapper.MapperExtrasPlugin                   |
geo               | geo                      | org.opensearch.geo.GeoModulePlugin                               |
parent-join       | parent-join-client       | org.opensearch.join.ParentJoinPlugin                             |
percolator        | percolator-client        | org.opensearch.percolator.PercolatorPlugin                       |
reindex           | reindex-client           | org.opensearch.index.reindex.ReindexPlugin                       |
aggs-matrix-stats | aggs-matrix-stats-client | org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin |
'

# _os_modules: print the module table as "name artifact class extended" lines.
_os_modules() {
  printf '%s\n' "$TD_OS_MODULES" | tr -d ' ' | awk -F'|' 'NF >= 3 { print $1, $2, $3, $4 }'
}

# _os_stamp: the string recorded in dist/.td-install; a different stamp means
# the installed node is stale and must be rebuilt.
_os_stamp() {
  echo "opensearch=$TD_OS_VERSION modules=$(_os_modules | awk '{ printf "%s,", $1 }')"
}

# _os_installed: true when dist/ holds a complete node of the wanted version and modules.
_os_installed() {
  [ -x "$TD_OS_DIST/bin/opensearch" ] && [ -f "$TD_OS_DIST/.td-install" ] &&
    [ "$(cat "$TD_OS_DIST/.td-install")" = "$(_os_stamp)" ]
}

# _os_policy NAME: print the plugin-security.policy a module needs (nothing if none).
# Same grants as in the OpenSearch sources (src/main/plugin-metadata/).
_os_policy() {
  case "$1" in
    lang-painless) cat <<'EOF'
grant {
  // needed to generate runtime classes
  permission java.lang.RuntimePermission "createClassLoader";
  // needed to find the classloader to load whitelisted classes from
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
    ;;
    reindex) cat <<'EOF'
grant {
  // reindex opens socket connections using the rest client
  permission java.net.SocketPermission "*", "connect";
};
grant codeBase "${codebase.opensearch-rest-client}" {
  // rest client uses system properties which gets the default proxy
  permission java.net.NetPermission "getProxySelector";
};
grant codeBase "${codebase.httpasyncclient}" {
  // rest client uses system properties which gets the default proxy
  permission java.net.NetPermission "getProxySelector";
};
EOF
    ;;
  esac
}

# _os_write_poms DIR: write a Maven reactor in DIR: one child project per module
# (a single dependency on the module jar, so `copy-dependencies` gathers the jar
# plus its runtime dependencies in <child>/target/dependency) and one for the
# distribution zip. One mvn run then fetches everything. The server artifact
# org.opensearch:opensearch (which e.g. painless-spi depends on) is excluded with
# its whole tree: it and its dependencies are the distribution's lib/ already.
_os_write_poms() {
  local dir="$1" name artifact cls ext mods=""
  rm -rf "$dir"; mkdir -p "$dir"
  _os_child_pom() {  # DIR GROUP ARTIFACT TYPE
    local excl=""
    [ "$4" = jar ] && excl='
      <exclusions>
        <exclusion><groupId>org.opensearch</groupId><artifactId>opensearch</artifactId></exclusion>
      </exclusions>'
    mkdir -p "$dir/$1"
    cat >"$dir/$1/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.techdata.opensearch</groupId>
  <artifactId>fetch-$1</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>$2</groupId>
      <artifactId>$3</artifactId>
      <version>$TD_OS_VERSION</version>
      <type>$4</type>$excl
    </dependency>
  </dependencies>
</project>
EOF
    mods="$mods    <module>$1</module>"$'\n'
  }
  _os_child_pom dist org.opensearch.distribution.integ-test-zip opensearch zip
  while read -r name artifact cls ext; do
    _os_child_pom "$name" org.opensearch.plugin "$artifact" jar
  done < <(_os_modules)
  cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.techdata.opensearch</groupId>
  <artifactId>fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <modules>
$mods  </modules>
</project>
EOF
  unset -f _os_child_pom
}

# _os_jar_base FILE...: artifact names of jar files (path and "-<version>.jar" stripped).
_os_jar_base() {
  local f
  for f in "$@"; do basename "$f" | sed -E 's/-[0-9][^/]*\.jar$//'; done
}

# _os_unzip ZIP DIR: extract ZIP into DIR with unzip, or with Python's zipfile
# when unzip is missing (which drops the exec bits, so restore them on bin/).
_os_unzip() {
  if command -v unzip >/dev/null; then
    ( cd "$2" && unzip -q "$1" )
  else
    python3 -m zipfile -e "$1" "$2" && chmod +x "$2"/*/bin/*
  fi
}

# opensearch_install: make $TD_OS_DIST a complete OpenSearch $TD_OS_VERSION node
# with the modules above. Does nothing when already done. Downloads with mvn
# (artifacts kept under $TD_OS_HOME/mvn and ~/.m2), assembles in dist.new/ and
# swaps it in, so an interrupted install never leaves a half-built dist/.
opensearch_install() {
  if _os_installed; then
    td_info "OpenSearch $TD_OS_VERSION already installed in $TD_OS_DIST"
    return 0
  fi
  td_pid_alive "$TD_OS_PIDFILE" && td_die "OpenSearch is running from an outdated install; run opensearch_stop first"
  command -v mvn >/dev/null || td_die "mvn (Apache Maven) is needed to download OpenSearch; install the 'maven' package"
  [ -x "$TD_OS_JAVA_HOME/bin/java" ] || td_die "no Java 17 at $TD_OS_JAVA_HOME (set TD_OS_JAVA_HOME)"

  local mvndir="$TD_OS_HOME/mvn" new="$TD_OS_HOME/dist.new" mlog="$TD_LOGS/opensearch-mvn.log"
  local name artifact cls ext dep zip libs f
  mkdir -p "$TD_OS_HOME"

  # 1. Download the distribution zip and every module with its dependencies.
  td_info "Downloading OpenSearch $TD_OS_VERSION and its modules from Maven Central (log: $mlog)"
  _os_write_poms "$mvndir"
  if ! JAVA_HOME="$TD_OS_JAVA_HOME" mvn -B -q -Dstyle.color=never -f "$mvndir/pom.xml" \
         dependency:copy-dependencies -DincludeScope=runtime >"$mlog" 2>&1; then
    tail -n 20 "$mlog" >&2
    td_die "mvn could not download OpenSearch $TD_OS_VERSION; full log: $mlog"
  fi

  # 2. Unpack the distribution (its zip has a single top directory opensearch-<version>/).
  rm -rf "$new"; mkdir -p "$new"
  zip="$mvndir/dist/target/dependency/opensearch-$TD_OS_VERSION.zip"
  [ -f "$zip" ] || td_die "distribution zip missing after download: $zip"
  _os_unzip "$zip" "$new" || td_die "cannot unzip $zip"
  mv "$new/opensearch-$TD_OS_VERSION"/* "$new"/ && rmdir "$new/opensearch-$TD_OS_VERSION"
  [ -f "$new/modules/transport-netty4/plugin-descriptor.properties" ] ||
    td_die "the distribution zip has no transport-netty4 module (unexpected layout)"

  # 3. Add each module: its jar + runtime dependencies not already in lib/ (a
  #    second copy of a lib/ jar would be "jar hell"), the descriptor and policy.
  libs=" $(_os_jar_base "$new"/lib/*.jar | tr '\n' ' ') "
  while read -r name artifact cls ext; do
    dep="$mvndir/$name/target/dependency"
    [ -f "$dep/$artifact-$TD_OS_VERSION.jar" ] || td_die "module jar missing after download: $dep/$artifact-$TD_OS_VERSION.jar"
    mkdir -p "$new/modules/$name"
    for f in "$dep"/*.jar; do
      case "$libs" in *" $(_os_jar_base "$f") "*) continue ;; esac
      cp "$f" "$new/modules/$name/"
    done
    cat >"$new/modules/$name/plugin-descriptor.properties" <<EOF
# Written by scripts/lib/opensearch.sh (module $artifact from Maven Central)
description=$name module
version=$TD_OS_VERSION
name=$name
classname=$cls
java.version=11
opensearch.version=$TD_OS_VERSION
custom.foldername=
extended.plugins=$ext
has.native.controller=false
EOF
    _os_policy "$name" >"$new/modules/$name/plugin-security.policy"
    [ -s "$new/modules/$name/plugin-security.policy" ] || rm -f "$new/modules/$name/plugin-security.policy"
  done < <(_os_modules)

  # 4. Swap the new node in (config/ and data/ live outside dist/ and survive).
  _os_stamp >"$new/.td-install"
  rm -rf "$TD_OS_DIST"
  mv "$new" "$TD_OS_DIST"
  td_svc_own "$TD_OS_DIST"
  td_info "OpenSearch $TD_OS_VERSION installed in $TD_OS_DIST (modules: $(ls "$TD_OS_DIST/modules" | tr '\n' ' '))"
}

# _os_write_config: (re)write $TD_OS_HOME/config from the distribution's
# defaults plus our settings; done at every start so port/heap changes apply.
_os_write_config() {
  local conf="$TD_OS_HOME/config"
  mkdir -p "$conf/jvm.options.d"
  cp "$TD_OS_DIST/config/log4j2.properties" "$conf/"
  # The stock jvm.options writes GC logs, heap dumps and crash files to paths
  # relative to the working directory; point them at our logs dir instead, and
  # keep at most 4 x 16 MB of GC logs (stock: 32 x 64 MB). The heap comes from
  # OPENSEARCH_JAVA_OPTS ($TD_OS_HEAP), so drop the stock -Xms1g/-Xmx1g.
  sed -e "s|logs/|$TD_OS_HOME/logs/|g" -e "s|HeapDumpPath=data|HeapDumpPath=$TD_OS_HOME/logs|" \
    -e "s|filecount=32,filesize=64m|filecount=4,filesize=16m|" -e '/^-Xm[sx]/d' \
    "$TD_OS_DIST/config/jvm.options" >"$conf/jvm.options"
  cat >"$conf/opensearch.yml" <<EOF
# Written by scripts/lib/opensearch.sh at each start; edits are lost.
cluster.name: techdata
node.name: techdata-node-1
path.data: $TD_OS_HOME/data
path.logs: $TD_OS_HOME/logs
# Loopback only, HTTP and transport.
network.host: 127.0.0.1
http.port: $TD_OS_PORT
transport.port: $TD_OS_TRANSPORT_PORT
# One node, no cluster formation; this also makes the bootstrap checks (e.g.
# vm.max_map_count >= 262144) warnings instead of fatal errors.
discovery.type: single-node
# Never mark indices read-only because the disk is fairly full.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
}

# opensearch_start: install if needed, start the node as the service user in the
# background, and wait (up to 90 s) for cluster health yellow or green.
# Does nothing when it is already running.
opensearch_start() {
  if td_pid_alive "$TD_OS_PIDFILE"; then
    td_info "OpenSearch already running (pid $(cat "$TD_OS_PIDFILE"))"
    return 0
  fi
  rm -f "$TD_OS_PIDFILE"
  if (exec 3<>"/dev/tcp/127.0.0.1/$TD_OS_PORT") 2>/dev/null; then
    td_die "port $TD_OS_PORT is already in use by another process; set TD_OS_PORT or stop it"
  fi
  opensearch_install

  local ospid="$TD_OS_HOME/tmp/opensearch.pid" pid="" launcher t0=$SECONDS
  mkdir -p "$TD_OS_HOME/tmp"
  _os_write_config
  td_svc_own "$TD_OS_HOME/config" "$TD_OS_HOME/data" "$TD_OS_HOME/logs" "$TD_OS_HOME/tmp"
  rm -f "$ospid"

  td_info "Starting OpenSearch on $TD_OS_URL (log: $TD_OS_LOG)"
  # The node runs in the foreground of a background job that has its own
  # process group (set -m), and in its own session (setsid): a Ctrl-C in the
  # calling terminal reaches neither it nor runuser (which would answer with
  # TERM then KILL after 2 s). stdout/stderr go to our log. bin/opensearch must
  # run from its home (it calls bin/opensearch-keystore by a relative path).
  # OpenSearch writes the pid of its java process to $ospid (-p).
  launcher="$(
    set -m
    (
      cd "$TD_OS_DIST" || exit 1
      td_as_svc setsid env \
        OPENSEARCH_JAVA_HOME="$TD_OS_JAVA_HOME" \
        OPENSEARCH_PATH_CONF="$TD_OS_HOME/config" \
        OPENSEARCH_TMPDIR="$TD_OS_HOME/tmp" \
        OPENSEARCH_JAVA_OPTS="-Xms$TD_OS_HEAP -Xmx$TD_OS_HEAP ${TD_OS_JAVA_OPTS:-}" \
        "$TD_OS_DIST/bin/opensearch" -p "$ospid"
    ) </dev/null >>"$TD_OS_LOG" 2>&1 &
    echo $!
  )"

  # Wait for the node's own pid file, then for the cluster health; give up
  # early if the process dies.
  while [ "$((SECONDS - t0))" -lt 90 ]; do
    if [ -z "$pid" ] && [ -s "$ospid" ]; then
      pid="$(cat "$ospid")"; echo "$pid" >"$TD_OS_PIDFILE"
    fi
    if [ -n "$pid" ]; then
      kill -0 "$pid" 2>/dev/null || break
    else
      kill -0 "$launcher" 2>/dev/null || break
    fi
    if curl -fsS -m 5 "$TD_OS_URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null |
         grep -qE '"status":"(yellow|green)"'; then
      td_info "OpenSearch up: $TD_OS_URL (pid $pid, $((SECONDS - t0))s)"
      return 0
    fi
    sleep 0.5
  done
  local why="did not become healthy on $TD_OS_URL within 90 s"
  if ! kill -0 "${pid:-$launcher}" 2>/dev/null; then why="exited during start-up"; fi
  echo "---- last lines of $TD_OS_LOG ----" >&2
  tail -n 30 "$TD_OS_LOG" >&2
  # Do not leave a half-started node behind.
  if [ -n "$pid" ]; then
    td_stop_pidfile "$TD_OS_PIDFILE" 30
  else
    kill -TERM -- "-$launcher" 2>/dev/null
  fi
  td_die "OpenSearch $why; see $TD_OS_LOG and $TD_OS_HOME/logs/"
}

# opensearch_stop: stop the node started by opensearch_start (TERM, then KILL
# after 60 s) and remove its pid file. Does nothing when it is not running.
opensearch_stop() {
  if td_pid_alive "$TD_OS_PIDFILE"; then
    td_info "Stopping OpenSearch (pid $(cat "$TD_OS_PIDFILE"))"
  fi
  td_stop_pidfile "$TD_OS_PIDFILE" 60
  rm -f "$TD_OS_HOME/tmp/opensearch.pid"
}

# opensearch_status: print "opensearch  up  URL  (version, health)" and return 0
# when the node answers on $TD_OS_PORT, else print "opensearch  down", return 1.
opensearch_status() {
  local health version status
  if health="$(curl -fsS -m 5 "$TD_OS_URL/_cluster/health" 2>/dev/null)"; then
    version="$(curl -fsS -m 5 "$TD_OS_URL/" 2>/dev/null | sed -n 's/.*"number" *: *"\([^"]*\)".*/\1/p')"
    status="$(printf '%s' "$health" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')"
    echo "opensearch  up  $TD_OS_URL  (${version:-?}, ${status:-?})"
    return 0
  fi
  echo "opensearch  down"
  return 1
}
