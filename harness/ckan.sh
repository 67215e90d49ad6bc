#!/usr/bin/env bash
# Real CKAN servers on 127.0.0.1 for the project's push tests, in six configurations:
#   plain  CKAN 2.11, core (plugins: activity datastore text_view)          port 5000
#   dq     CKAN 2.11 + ckanext-scheming with a Données Québec-like schema   port 5001
#   v29    CKAN 2.9 (Données Québec's stated version), core                 port 5002
#   v210   CKAN 2.10, core                                                  port 5003
#   v212   CKAN 2.12, core                                                  port 5004
#   xl     CKAN 2.11 + ckanext-xloader and its job worker (loads CSVs)      port 5005
# Each has its own databases, storage, ckan.ini and Solr core; each CKAN version its own venv.
# Solr itself is replaced by harness/solr_standin.py (port 8983); PostgreSQL 15 and Redis are
# the real ones.
#
# Usage: bash harness/ckan.sh up [CONFIG...] | down [CONFIG...] | reset [CONFIG|all]
#        | env [CONFIG|all] | status
# Run state, logs, tokens: .tools/ckan/ (git-ignored). See harness/README.md.
set -Eeuo pipefail
trap 'log "ERROR: command failed (status $?) at line $LINENO: $BASH_COMMAND"' ERR

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HARNESS_DIR")
TOOLS=$ROOT/.tools
VENV=$TOOLS/ckan-venv
STATE=$TOOLS/ckan

# Pins: changing one reinstalls that venv on the next `up`.
CKAN_VERSION=2.11.6
CKAN_29_VERSION=2.9.11
CKAN_210_VERSION=2.10.11
CKAN_212_VERSION=2.12.0
SCHEMING_VERSION=3.1.0
# xl's loader, added to CKAN 2.11's venv. Its wheel declares no dependencies: the others are
# the pins of its repository's requirements.txt (the rest of that file CKAN already brings).
XLOADER_PINS=(ckanext-xloader==2.5.2 chardet==5.2.0 tabulator==1.53.5 Unidecode==1.0.22
  ckantoolkit==0.0.7)
PYTHON=${OGP_HARNESS_PYTHON:-/usr/bin/python3}
# CKAN 2.9 runs on Python 3.9 and 2.10 on 3.10 at most (this image's pyenv has both).
PYTHON_39=${OGP_HARNESS_PYTHON39:-/root/.pyenv/versions/3.9.18/bin/python3}
PYTHON_310=${OGP_HARNESS_PYTHON310:-/root/.pyenv/versions/3.10.13/bin/python3}

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=5432
REDIS_PORT=6379
SOLR_PORT=8983
ADMIN_USER=ogp_admin
ADMIN_EMAIL=ogp-admin@example.org
CONFIGS=(plain dq v29 v210 v212 xl)
ORGS=(
  "secretariat-du-conseil-du-tresor|Secrétariat du Conseil du trésor"
  "open-gov-office|Open Government Office"
)
# Thematic groups: Données Québec's category for government and finances, which the bundled
# catalogue names.
THEME_GROUPS=(
  "gouvernement-finances|Gouvernement et finances"
)
READY_TIMEOUT=120
APT_PACKAGES=(postgresql-15 redis-server libpq-dev gcc libc6-dev python3-venv python3-dev
  libmagic1 curl ca-certificates)

# ------------------------------------------------------------------ helpers

log() { printf '[ckan.sh %s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

config_port() {
  case $1 in
    plain) echo 5000 ;;
    dq) echo 5001 ;;
    v29) echo 5002 ;;
    v210) echo 5003 ;;
    v212) echo 5004 ;;
    xl) echo 5005 ;;
    *) die "unknown config '$1' (${CONFIGS[*]})" ;;
  esac
}
config_plugins() {
  case $1 in
    plain | v210 | v212) echo "activity datastore text_view" ;;
    dq) echo "activity datastore text_view scheming_datasets" ;;
    v29) echo "datastore text_view" ;; # activity is part of CKAN's core before 2.10
    xl) echo "activity datastore xloader text_view datatables_view" ;;
  esac
}
config_redis_db() {
  case $1 in
    plain) echo 0 ;;
    dq) echo 1 ;;
    v29) echo 2 ;;
    v210) echo 3 ;;
    v212) echo 4 ;;
    xl) echo 5 ;;
  esac
}
# The venv of a config: plain, dq and xl share CKAN 2.11's.
config_venv() {
  case $1 in
    plain | dq | xl) echo "$VENV" ;;
    *) echo "$TOOLS/ckan-venv-$1" ;;
  esac
}
config_ckan_version() {
  case $1 in
    plain | dq | xl) echo "$CKAN_VERSION" ;;
    v29) echo "$CKAN_29_VERSION" ;;
    v210) echo "$CKAN_210_VERSION" ;;
    v212) echo "$CKAN_212_VERSION" ;;
  esac
}
# The schema name the config's stand-in core answers: CKAN checks it at startup (2.9 accepts
# ckan-2.8 to ckan-2.10, 2.10 and 2.11 to ckan-2.11, 2.12 to ckan-2.12), so each version gets
# the schema of its own release.
config_solr_schema() {
  case $1 in
    plain | dq | xl) echo ckan-2.11 ;;
    v29) echo ckan-2.9 ;;
    v210) echo ckan-2.10 ;;
    v212) echo ckan-2.12 ;;
  esac
}
config_python() {
  case $1 in
    v29) echo "$PYTHON_39" ;;
    v210) echo "$PYTHON_310" ;;
    *) echo "$PYTHON" ;;
  esac
}
# Packages only that config loads, added to its venv when it comes up (see ensure_extra_pins).
config_extra_pins() {
  case $1 in
    xl) echo "${XLOADER_PINS[*]}" ;;
  esac
}
# The configs loading xloader: they get its API token in ckan.ini and CKAN's job worker.
uses_xloader() { [[ " $(config_plugins "$1") " == *" xloader "* ]]; }
is_config() { [[ " ${CONFIGS[*]} " == *" $1 "* ]]; }
ckan_url() { echo "http://127.0.0.1:$(config_port "$1")"; }
cfg_dir() { echo "$STATE/$1"; }
ini_of() { echo "$STATE/$1/ckan.ini"; }
token_file() { echo "$STATE/$1/token"; }
auth_header_file() { echo "$STATE/$1/auth_header"; }
db_main() { echo "ckan_$1"; }
db_datastore() { echo "datastore_$1"; }
role_main() { echo "ckan_$1"; }
role_ro() { echo "datastore_ro_$1"; }

ckan_cli() { # ckan_cli CONFIG args... : the CKAN CLI of that config's venv, with its ini
  local cfg=$1
  shift
  "$(config_venv "$cfg")/bin/ckan" -c "$(ini_of "$cfg")" "$@"
}

pg() { # psql as the postgres superuser (root only)
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@")
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid recorded in PIDFILE, if that process is alive and its command line contains WANT
# (so a recycled pid is never mistaken for ours).
pid_of() {
  local pidfile=$1 want=$2 pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$want" || return 1
  echo "$pid"
}

# Whether PID runs (a zombie waiting for init to reap it does not count).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# Starts CMD... in its own session, in the background, logging to LOGFILE; the pid is written
# from inside before exec, so PIDFILE holds the server's real pid (setsid may fork).
start_daemon() {
  local pidfile=$1 logfile=$2 i
  shift 2
  rm -f "$pidfile"
  printf '\n=== %s start: %s\n' "$(date '+%F %T')" "$*" >>"$logfile"
  # shellcheck disable=SC2016 # $$ and $@ are for the inner sh
  setsid sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  for i in $(seq 50); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "could not start: $* (see $logfile)"
}

# Stops the process in PIDFILE (if it is alive and matches WANT): TERM, then KILL after 15 s.
stop_pidfile() {
  local pidfile=$1 want=$2 name=$3 pid i
  if ! pid=$(pid_of "$pidfile" "$want"); then
    rm -f "$pidfile"
    return 0
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 150); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$name did not stop in 15 s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# stop_config CONFIG [WHY]: stops that config's CKAN server and its job worker (if it has one).
stop_config() {
  local cfg=$1 why=${2:+ ($2)}
  stop_pidfile "$(cfg_dir "$cfg")/ckan.pid" "$(ini_of "$cfg") run" "CKAN $cfg$why"
  stop_pidfile "$(cfg_dir "$cfg")/worker.pid" "$(ini_of "$cfg") jobs worker" "job worker $cfg$why"
}

# HTTP status of GET URL ("000" when nothing answers).
http_code() { curl -s -o /dev/null -m "${2:-5}" -w '%{http_code}' "$1" || true; }

# api CONFIG ACTION [curl args...]: calls the action with the sysadmin token; sets BODY, CODE.
api() {
  local cfg=$1 action=$2 out
  shift 2
  out=$(curl -sS -m 60 -H @"$(auth_header_file "$cfg")" -w '\n%{http_code}' "$@" \
    "$(ckan_url "$cfg")/api/3/action/$action") || out=$'\n000'
  CODE=${out##*$'\n'}
  BODY=${out%$'\n'*}
}

# json_field EXPR: evaluates a Python expression on the JSON document `d` read from stdin.
json_field() { "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print('"$1"')'; }

random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# secret_file PATH: prints the secret kept in PATH, creating it (mode 600) when missing.
secret_file() {
  if [[ ! -s $1 ]]; then
    (umask 077 && random_secret >"$1")
  fi
  cat "$1"
}

# ------------------------------------------------------------------ machine-wide pieces

ensure_packages() {
  local missing=() p status
  for p in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || die "missing Debian packages (${missing[*]}) and not root"
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null 9>&-
}

# ensure_venv CONFIG: the venv of CONFIG's CKAN version, reinstalled only when its pins (or
# its Python's version) change. The servers of every config sharing it are stopped first.
ensure_venv() {
  local cfg=$1 venv python version want stamp pins src other
  venv=$(config_venv "$cfg") python=$(config_python "$cfg") version=$(config_ckan_version "$cfg")
  stamp=$venv/.harness-pins
  [[ -x $python ]] || die "[$cfg] no Python at $python (see OGP_HARNESS_PYTHON*)"
  pins="ckan[requirements]==$version"
  [[ $venv == "$VENV" ]] && pins+=" ckanext-scheming==$SCHEMING_VERSION"
  want="$pins $("$python" -c 'import sys; print(sys.version.split()[0])')"
  if [[ -x $venv/bin/ckan && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  for other in "${CONFIGS[@]}"; do
    [[ $(config_venv "$other") == "$venv" ]] || continue
    stop_config "$other" "venv to reinstall"
  done
  log "[$cfg] installing CKAN $version into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  if [[ $version == 2.9.* ]]; then
    # CKAN 2.9's sdist carries its pins in requirements.txt (no extra), and its setup.py and
    # old pins build only with setuptools before 46, without build isolation.
    src=$(mktemp -d)
    "$venv/bin/pip" install --quiet --disable-pip-version-check "setuptools<46" wheel
    "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
      --no-binary :all: --no-build-isolation "ckan==$version" -d "$src"
    tar -xzf "$src/ckan-$version.tar.gz" -C "$src"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation \
      -r "$src/ckan-$version/requirements.txt"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation \
      --no-deps "$src/ckan-$version.tar.gz"
    rm -rf "$src"
  elif [[ $venv == "$VENV" ]]; then
    # (plain `pip install ckan` brings no dependencies: the pins live in the extra)
    "$venv/bin/pip" install --quiet --disable-pip-version-check --use-pep517 \
      "ckan[requirements]==$version" "ckanext-scheming==$SCHEMING_VERSION"
  else
    "$venv/bin/pip" install --quiet --disable-pip-version-check --use-pep517 \
      "ckan[requirements]==$version"
  fi
  echo "$want" >"$stamp"
}

# ensure_extra_pins CONFIG: adds the packages only CONFIG loads (xl: xloader) to its venv,
# stamped apart (.harness-pins-CONFIG) so that the venv's own stamp, and with it the servers of
# the other configs sharing the venv, stay as they are: pip only adds packages (these move
# none of CKAN's pins) and those servers do not load them. A reinstall of the venv drops them;
# the config's next `up` adds them again.
ensure_extra_pins() {
  local cfg=$1 venv pins stamp
  pins=$(config_extra_pins "$cfg")
  [[ -n $pins ]] || return 0
  venv=$(config_venv "$cfg")
  stamp=$venv/.harness-pins-$cfg
  [[ "$(cat "$stamp" 2>/dev/null)" == "$pins" ]] && return 0
  log "[$cfg] installing $pins into $venv"
  # (one pin a word; tabulator's dependencies include sdists, built like CKAN's)
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check --use-pep517 $pins
  echo "$pins" >"$stamp"
}

pg_online() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c && $4 ~ /online/ {f=1} END {exit !f}'; }

ensure_postgres() {
  local i
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {f=1} END {exit !f}'; then
    log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null 9>&-
  fi
  if ! pg_online; then
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 9>&- # (no daemon may keep the lock)
    touch "$STATE/postgres.started-by-harness"
  fi
  for i in $(seq 100); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && return 0
    sleep 0.2
  done
  die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"
}

ensure_redis() {
  local pid i
  if pid=$(pid_of "$STATE/redis.pid" redis-server); then
    return 0
  fi
  rm -f "$STATE/redis.pid"
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    return 0 # someone else's Redis: use it, never stop it
  fi
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by something that is not Redis"
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$STATE/redis"
  start_daemon "$STATE/redis.pid" "$STATE/redis.log" redis-server --bind 127.0.0.1 \
    --port "$REDIS_PORT" --save '' --appendonly no --daemonize no --dir "$STATE/redis"
  for i in $(seq 100); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  tail -n 20 "$STATE/redis.log" >&2 || true
  die "Redis did not start"
}

solr_args() { # one core per config, each with its schema name
  local cfg args=()
  for cfg in "${CONFIGS[@]}"; do args+=(--core "ckan_$cfg:$(config_solr_schema "$cfg")"); done
  echo "${args[@]}"
}

# Set by ensure_solr when it (re)started the stand-in: every core is empty then.
SOLR_STARTED=0

ensure_solr() {
  local pid i want
  want=$({ sha256sum "$HARNESS_DIR/solr_standin.py"; solr_args; } | sha256sum | cut -d' ' -f1)
  if pid=$(pid_of "$STATE/solr.pid" solr_standin.py); then
    if [[ "$(cat "$STATE/solr.stamp" 2>/dev/null)" == "$want" &&
      $(http_code "http://127.0.0.1:$SOLR_PORT/standin") == 200 ]]; then
      return 0
    fi
    stop_pidfile "$STATE/solr.pid" solr_standin.py "Solr stand-in (changed or not answering)"
  fi
  port_open "$SOLR_PORT" && die "port $SOLR_PORT is taken by a process the harness did not start"
  log "starting the Solr stand-in on 127.0.0.1:$SOLR_PORT"
  # shellcheck disable=SC2046
  start_daemon "$STATE/solr.pid" "$STATE/solr.log" "$PYTHON" -u "$HARNESS_DIR/solr_standin.py" \
    --host 127.0.0.1 --port "$SOLR_PORT" $(solr_args)
  for i in $(seq 100); do
    if [[ $(http_code "http://127.0.0.1:$SOLR_PORT/standin") == 200 ]]; then
      echo "$want" >"$STATE/solr.stamp"
      SOLR_STARTED=1
      return 0
    fi
    pid_of "$STATE/solr.pid" solr_standin.py >/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$STATE/solr.log" >&2 || true
  die "the Solr stand-in did not start"
}

solr_clear() { # removes every document of a config's core
  curl -sf -m 10 -o /dev/null -H 'Content-Type: text/xml; charset=utf-8' \
    --data-binary '<delete><query>*:*</query></delete>' \
    "http://127.0.0.1:$SOLR_PORT/solr/ckan_$1/update?commit=true" ||
    die "[$1] could not clear the stand-in's index"
}

solr_count() { # documents in a config's core
  curl -s -m 5 "http://127.0.0.1:$SOLR_PORT/standin" | json_field "d['cores'].get('ckan_$1', 0)"
}

# ------------------------------------------------------------------ one configuration

ensure_db() {
  local cfg=$1 pw main ro dbm dbd existed
  pw=$(secret_file "$(cfg_dir "$cfg")/db_password")
  main=$(role_main "$cfg") ro=$(role_ro "$cfg") dbm=$(db_main "$cfg") dbd=$(db_datastore "$cfg")
  existed=$(pg -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$dbm'")
  pg -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$main') THEN
    CREATE ROLE $main LOGIN PASSWORD '$pw';
  ELSE
    ALTER ROLE $main LOGIN PASSWORD '$pw';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ro') THEN
    CREATE ROLE $ro LOGIN PASSWORD '$pw';
  ELSE
    ALTER ROLE $ro LOGIN PASSWORD '$pw';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $dbm OWNER $main ENCODING ''UTF8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$dbm') \gexec
SELECT 'CREATE DATABASE $dbd OWNER $main ENCODING ''UTF8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$dbd') \gexec
SQL
  # A new database: the core must not keep documents of an earlier one.
  if ((existed == 0)); then solr_clear "$cfg"; fi
}

# The ckan.ini settings of CONFIG, one "key=value" a line.
ini_settings() {
  local cfg=$1 pw port dir
  pw=$(cat "$(cfg_dir "$cfg")/db_password")
  port=$(config_port "$cfg") dir=$(cfg_dir "$cfg")
  cat <<EOF
sqlalchemy.url=postgresql://$(role_main "$cfg"):$pw@127.0.0.1:$PG_PORT/$(db_main "$cfg")
ckan.datastore.write_url=postgresql://$(role_main "$cfg"):$pw@127.0.0.1:$PG_PORT/$(db_datastore "$cfg")
ckan.datastore.read_url=postgresql://$(role_ro "$cfg"):$pw@127.0.0.1:$PG_PORT/$(db_datastore "$cfg")
ckan.redis.url=redis://127.0.0.1:$REDIS_PORT/$(config_redis_db "$cfg")
solr_url=http://127.0.0.1:$SOLR_PORT/solr/ckan_$cfg
ckan.site_url=http://127.0.0.1:$port
ckan.site_id=ogp_$cfg
ckan.site_title=ogp-publish test CKAN ($cfg)
ckan.storage_path=$dir/storage
ckan.max_resource_size=10
ckan.plugins=$(config_plugins "$cfg")
ckan.views.default_views=text_view image_view$(uses_xloader "$cfg" && echo " datatables_view")
EOF
  if [[ $cfg == dq ]]; then
    cat <<EOF
scheming.dataset_schemas=file://$HARNESS_DIR/schema/donneesquebec.yaml
scheming.presets=ckanext.scheming:presets.json
scheming.dataset_fallback=false
EOF
  fi
  # xloader keeps its jobs and their logs in tables of its own (jobs, metadata, logs, made at
  # its first job), in the config's main database as its README advises; the default is an
  # SQLite file in /tmp that every config would share. Its API token is set apart, once it
  # exists (ensure_loader_token).
  if uses_xloader "$cfg"; then
    cat <<EOF
ckanext.xloader.jobs_db.uri=postgresql://$(role_main "$cfg"):$pw@127.0.0.1:$PG_PORT/$(db_main "$cfg")
EOF
  fi
}

ensure_ini() {
  local cfg=$1 ini settings want stamp
  ini=$(ini_of "$cfg")
  stamp=$(cfg_dir "$cfg")/ini.sha256
  settings=$(ini_settings "$cfg")
  want=$(printf '%s' "$settings" | sha256sum | cut -d' ' -f1)
  if [[ -s $ini && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  mkdir -p "$(cfg_dir "$cfg")/storage"
  if [[ ! -s $ini ]]; then
    log "[$cfg] writing $ini"
    # Without -c: with it the CLI would boot CKAN first and fail on the missing file.
    "$(config_venv "$cfg")/bin/ckan" generate config "$ini" >/dev/null
  else
    log "[$cfg] updating $ini (keeping its SECRET_KEY, so tokens stay valid)"
  fi
  local args=()
  mapfile -t args <<<"$settings"
  "$(config_venv "$cfg")/bin/ckan" config-tool "$ini" "${args[@]}" >/dev/null
  chmod 600 "$ini"
  # CKAN 2.9 reads repoze.who's settings from who.ini beside its ini (`who.config_file`).
  if [[ $(config_ckan_version "$cfg") == 2.9.* ]]; then
    cp "$("$(config_venv "$cfg")/bin/python" -c 'import ckan, os; print(os.path.dirname(ckan.__file__))')/config/who.ini" \
      "$(cfg_dir "$cfg")/who.ini"
  fi
  echo "$want" >"$stamp"
}

ensure_migrated() {
  local cfg=$1 want stamp
  stamp=$(cfg_dir "$cfg")/db.stamp
  want="$(config_ckan_version "$cfg") $SCHEMING_VERSION $(config_plugins "$cfg") $(cat "$(cfg_dir "$cfg")/ini.sha256")"
  [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]] && return 0
  log "[$cfg] initialising the database and applying migrations"
  ckan_cli "$cfg" db init >>"$(cfg_dir "$cfg")/cli.log" 2>&1 ||
    { tail -n 30 "$(cfg_dir "$cfg")/cli.log" >&2; die "[$cfg] ckan db init failed"; }
  # 2.11+ leave the activity plugin's migrations to this; 2.9 and 2.10 apply them in `db
  # init` (their pending-migrations finds nothing: one CKAN boot saved).
  if [[ $(config_ckan_version "$cfg") != 2.9.* && $(config_ckan_version "$cfg") != 2.10.* ]]; then
    ckan_cli "$cfg" db pending-migrations --apply >>"$(cfg_dir "$cfg")/cli.log" 2>&1 ||
      { tail -n 30 "$(cfg_dir "$cfg")/cli.log" >&2; die "[$cfg] pending migrations failed"; }
  fi
  log "[$cfg] setting DataStore permissions"
  # set-permissions only prints SQL (it starts with \connect to the datastore database).
  ckan_cli "$cfg" datastore set-permissions 2>>"$(cfg_dir "$cfg")/cli.log" | pg -d postgres >/dev/null
  if uses_xloader "$cfg"; then
    # xloader makes its job tables on first use, in the server (xloader_status) and in the
    # worker (each job): two first uses at once collide (CREATE TABLE: duplicate key in
    # pg_type), the job dies unrecorded and the resource stays `running` forever. Made here.
    log "[$cfg] creating xloader's job tables"
    "$(config_venv "$cfg")/bin/python" - "$(ini_of "$cfg")" >>"$(cfg_dir "$cfg")/cli.log" 2>&1 <<'PY' ||
import sys
from ckan.cli import load_config
from ckanext.xloader import db
db.init(load_config(sys.argv[1]))
PY
      { tail -n 30 "$(cfg_dir "$cfg")/cli.log" >&2; die "[$cfg] could not create xloader's job tables"; }
  fi
  echo "$want" >"$stamp"
}

# After the stand-in restarted (empty index), refill a core from the database.
ensure_indexed() {
  local cfg=$1 in_db in_index
  in_db=$(pg -d "$(db_main "$cfg")" -Atc "SELECT count(*) FROM package WHERE state <> 'deleted'")
  ((in_db > 0)) || return 0
  in_index=$(solr_count "$cfg")
  ((in_index == 0)) || return 0
  log "[$cfg] rebuilding the search index ($in_db datasets)"
  ckan_cli "$cfg" search-index rebuild -q >>"$(cfg_dir "$cfg")/cli.log" 2>&1 ||
    { tail -n 30 "$(cfg_dir "$cfg")/cli.log" >&2; die "[$cfg] search-index rebuild failed"; }
}

# What the running server was started with; a change restarts it.
run_stamp() {
  local cfg=$1
  {
    cat "$(config_venv "$cfg")/.harness-pins"
    cat "$(cfg_dir "$cfg")/ini.sha256"
    cat "$(cfg_dir "$cfg")/db.stamp"
    config_solr_schema "$cfg" # checked by CKAN at startup only
    if [[ $cfg == dq ]]; then sha256sum "$HARNESS_DIR/schema/donneesquebec.yaml"; fi
    if [[ -n $(config_extra_pins "$cfg") ]]; then cat "$(config_venv "$cfg")/.harness-pins-$cfg"; fi
    # (the ini file itself: its xloader token is set outside ini.sha256)
    if uses_xloader "$cfg"; then sha256sum <"$(ini_of "$cfg")"; fi
  } | sha256sum | cut -d' ' -f1
}

ensure_running() {
  local cfg=$1 port ini pidfile logfile want pid
  port=$(config_port "$cfg") ini=$(ini_of "$cfg")
  pidfile=$(cfg_dir "$cfg")/ckan.pid logfile=$(cfg_dir "$cfg")/ckan.log
  want=$(run_stamp "$cfg")
  if pid=$(pid_of "$pidfile" "$ini run"); then
    if [[ "$(cat "$(cfg_dir "$cfg")/run.stamp" 2>/dev/null)" == "$want" &&
      $(http_code "$(ckan_url "$cfg")/api/3/action/status_show") == 200 ]]; then
      return 0
    fi
    stop_pidfile "$pidfile" "$ini run" "CKAN $cfg (configuration changed or not answering)"
  fi
  port_open "$port" && die "[$cfg] port $port is taken by a process the harness did not start"
  log "[$cfg] starting CKAN on $(ckan_url "$cfg")"
  start_daemon "$pidfile" "$logfile" "$(config_venv "$cfg")/bin/ckan" -c "$ini" run -H 127.0.0.1 -p "$port" \
    --disable-reloader --threaded
  await_ready "$cfg" "CKAN (status_show)" "$pidfile" "$ini run" "$logfile" ckan_answers "$cfg"
  echo "$want" >"$(cfg_dir "$cfg")/run.stamp"
}

# True when CKAN `cfg` answers status_show.
ckan_answers() {
  [[ $(http_code "$(ckan_url "$1")/api/3/action/status_show" 5) == 200 ]]
}

# Waits for a daemon just started (its pid in `pidfile`, its command line matching
# `pattern`) until the command after the first five arguments succeeds; stops the script,
# with the end of `logfile`, when the daemon exits or is not ready within READY_TIMEOUT s.
await_ready() {
  local cfg=$1 what=$2 pidfile=$3 pattern=$4 logfile=$5 start=$SECONDS
  shift 5
  while ((SECONDS - start < READY_TIMEOUT)); do
    if "$@"; then
      log "[$cfg] $what ready after $((SECONDS - start)) s (pid $(cat "$pidfile"))"
      return 0
    fi
    if ! pid_of "$pidfile" "$pattern" >/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "[$cfg] $what exited while starting (log: $logfile)"
    fi
    sleep 0.5
  done
  tail -n 40 "$logfile" >&2 || true
  die "[$cfg] $what was not ready within $READY_TIMEOUT s (log: $logfile)"
}

ensure_admin() {
  local cfg=$1 sysadmin pw
  sysadmin=$(pg -d "$(db_main "$cfg")" -Atc \
    "SELECT sysadmin FROM \"user\" WHERE name = '$ADMIN_USER' AND state = 'active'")
  [[ $sysadmin == t ]] && return 0
  if [[ -z $sysadmin ]]; then
    log "[$cfg] creating sysadmin $ADMIN_USER"
    pw=$(secret_file "$(cfg_dir "$cfg")/admin_password")
    # One CLI call (each boots CKAN, ~1 s). `ckan sysadmin add` alone would prompt for the
    # missing user and abort without a TTY.
    # CKAN 2.9 stores `sysadmin=True` as text and fails: there, `sysadmin add` follows.
    local flag=(sysadmin=True)
    [[ $(config_ckan_version "$cfg") == 2.9.* ]] && flag=()
    ckan_cli "$cfg" user add "$ADMIN_USER" "email=$ADMIN_EMAIL" "password=$pw" "${flag[@]}" \
      >>"$(cfg_dir "$cfg")/cli.log" 2>&1 </dev/null || die "[$cfg] ckan user add failed"
    ((${#flag[@]} == 0)) || return 0
  fi
  if [[ $sysadmin != t ]]; then
    log "[$cfg] making $ADMIN_USER a sysadmin"
    ckan_cli "$cfg" sysadmin add "$ADMIN_USER" >>"$(cfg_dir "$cfg")/cli.log" 2>&1 </dev/null ||
      die "[$cfg] ckan sysadmin add failed"
  fi
}

ensure_token() {
  local cfg=$1 tf hf token
  tf=$(token_file "$cfg") hf=$(auth_header_file "$cfg")
  if [[ -s $tf && -s $hf ]]; then
    api "$cfg" "api_token_list?user=$ADMIN_USER"
    [[ $CODE == 200 ]] && return 0
    log "[$cfg] the saved API token is refused ($CODE): making a new one"
  fi
  log "[$cfg] creating an API token for $ADMIN_USER"
  token=$(ckan_cli "$cfg" user token add "$ADMIN_USER" ogp-harness -q 2>>"$(cfg_dir "$cfg")/cli.log" | tr -d '[:space:]')
  [[ ${#token} -gt 50 ]] || die "[$cfg] ckan user token add gave no token (see cli.log)"
  (
    umask 077
    printf '%s' "$token" >"$tf.new" && mv -f "$tf.new" "$tf"
    printf 'Authorization: %s\n' "$token" >"$hf.new" && mv -f "$hf.new" "$hf"
  )
  unset token
  api "$cfg" "api_token_list?user=$ADMIN_USER"
  [[ $CODE == 200 ]] || die "[$cfg] the new API token is refused ($CODE)"
}

# ensure_named CONFIG KIND ENTRIES...: each "name|title" exists as an organization or group.
ensure_named() {
  local cfg=$1 kind=$2 entry name title data
  shift 2
  for entry in "$@"; do
    name=${entry%%|*} title=${entry#*|}
    api "$cfg" "${kind}_show?id=$name"
    [[ $CODE == 200 ]] && continue
    log "[$cfg] creating $kind $name"
    data=$(NAME=$name TITLE=$title "$PYTHON" -c \
      'import json,os; print(json.dumps({"name": os.environ["NAME"], "title": os.environ["TITLE"]}))')
    api "$cfg" "${kind}_create" -H 'Content-Type: application/json' --data-binary "$data"
    [[ $CODE == 200 ]] || log "[$cfg] ${kind}_create $name answered $CODE: ${BODY:0:300}"
    api "$cfg" "${kind}_show?id=$name"
    [[ $CODE == 200 ]] || die "[$cfg] $kind $name is missing after ${kind}_create ($CODE)"
  done
}

ensure_orgs() {
  ensure_named "$1" organization "${ORGS[@]}"
  ensure_named "$1" group "${THEME_GROUPS[@]}"
}

# xloader's job downloads the upload and writes the DataStore with the API token that the
# server puts into it when it queues the job (`ckanext.xloader.api_token`, required since CKAN
# 2.10; without it resources are saved but never loaded). The sysadmin's token exists only once
# the server answers (ensure_token), so it is merged into ckan.ini afterwards, from a mode-600
# file rather than a command line, and the changed ini restarts the server (run_stamp): once
# on the first bring-up, and when the token is remade.
ensure_loader_token() {
  local cfg=$1 ini tf opts
  ini=$(ini_of "$cfg") tf=$(token_file "$cfg")
  if [[ "$(sed -n 's/^ckanext\.xloader\.api_token *= *//p' "$ini" | tr -d '[:space:]' | sha256sum)" == \
    "$(sha256sum <"$tf")" ]]; then
    return 0
  fi
  log "[$cfg] setting xloader's API token (ckanext.xloader.api_token) in $ini"
  opts=$(cfg_dir "$cfg")/loader-token.ini
  (umask 077 && printf '[app:main]\nckanext.xloader.api_token = %s\n' "$(cat "$tf")" >"$opts")
  "$(config_venv "$cfg")/bin/ckan" config-tool "$ini" -f "$opts" >/dev/null
  rm -f "$opts"
}

# CKAN's job worker (`ckan jobs worker`: RQ on the config's Redis database, default queue),
# which runs xloader's loads. It is started after the server, with the same run stamp, so a
# change that restarts one restarts the other; ready when CKAN logs that it has started.
ensure_worker() {
  local cfg=$1 ini pidfile logfile stampfile want offset
  ini=$(ini_of "$cfg") pidfile=$(cfg_dir "$cfg")/worker.pid
  logfile=$(cfg_dir "$cfg")/worker.log stampfile=$(cfg_dir "$cfg")/worker.stamp
  want=$(run_stamp "$cfg")
  if pid_of "$pidfile" "$ini jobs worker" >/dev/null; then
    [[ "$(cat "$stampfile" 2>/dev/null)" == "$want" ]] && return 0
    stop_pidfile "$pidfile" "$ini jobs worker" "job worker $cfg (configuration changed)"
  fi
  log "[$cfg] starting the job worker"
  touch "$logfile"
  offset=$(stat -c %s "$logfile") # (the log is appended to: read only this start's lines)
  start_daemon "$pidfile" "$logfile" "$(config_venv "$cfg")/bin/ckan" -c "$ini" jobs worker
  await_ready "$cfg" "job worker" "$pidfile" "$ini jobs worker" "$logfile" \
    worker_started "$logfile" "$offset"
  echo "$want" >"$stampfile"
}

# True when the worker logging to `logfile` says, after byte `offset`, that it listens.
worker_started() {
  grep -q 'has started on queue' < <(tail -c +"$(($2 + 1))" "$1")
}

config_up() {
  local cfg=$1
  mkdir -p "$(cfg_dir "$cfg")/storage"
  chmod 700 "$(cfg_dir "$cfg")"
  ensure_extra_pins "$cfg"
  ensure_db "$cfg"
  ensure_ini "$cfg"
  ensure_migrated "$cfg"
  ensure_indexed "$cfg"
  ensure_running "$cfg"
  ensure_admin "$cfg"
  ensure_token "$cfg"
  ensure_orgs "$cfg"
  if uses_xloader "$cfg"; then
    ensure_loader_token "$cfg"
    ensure_running "$cfg" # (restarts it when the token was just set)
    ensure_worker "$cfg"
  fi
}

# ------------------------------------------------------------------ commands

lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 600 9 || die "another ckan.sh holds $STATE/.lock"
}

# wait_all WHAT NAME... PID...: waits for every PID (as many names as pids, names first);
# fails, after logging which, when one failed.
wait_all() {
  local what=$1 failed=0 i
  shift
  local half=$(($# / 2))
  local names=("${@:1:half}") pids=("${@:half+1}")
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || {
      log "[${names[$i]}] $what failed"
      failed=1
    }
  done
  return "$failed"
}

# venv_group_up CONFIG...: the configs sharing one venv: installs it, then brings them up side
# by side.
venv_group_up() {
  local cfg pids=()
  ensure_venv "$1" # (not under `||`: that would switch errexit off inside it)
  for cfg in "$@"; do
    (config_up "$cfg") &
    pids+=($!)
  done
  wait_all bring-up "$@" "${pids[@]}"
}

# cmd_up [CONFIG...]: brings up the named configurations (default: all).
cmd_up() {
  local start=$SECONDS cfg other venv venvs=" " pids=() names=() group
  local wanted=("$@")
  ((${#wanted[@]} > 0)) || wanted=("${CONFIGS[@]}")
  for cfg in "${wanted[@]}"; do is_config "$cfg" || die "unknown config '$cfg' (${CONFIGS[*]})"; done
  lock
  ensure_packages
  ensure_postgres
  ensure_redis
  ensure_solr
  # A (re)started stand-in has emptied the cores of the configs not named too (adding a config
  # adds a core, which restarts it): the running ones are refilled now, before any venv is
  # touched, as `up` refills its own.
  if ((SOLR_STARTED)); then
    for cfg in "${CONFIGS[@]}"; do
      [[ " ${wanted[*]} " == *" $cfg "* ]] && continue
      pid_of "$(cfg_dir "$cfg")/ckan.pid" "$(ini_of "$cfg") run" >/dev/null || continue
      (ensure_indexed "$cfg") &
      pids+=($!) names+=("$cfg")
    done
    wait_all "index rebuild" "${names[@]}" "${pids[@]}" || exit 1
    pids=() names=()
  fi
  # One venv per CKAN version (plain, dq and xl share one); each group of configs comes up as
  # soon as its venv is ready, side by side with the other installs.
  for cfg in "${wanted[@]}"; do
    venv=$(config_venv "$cfg")
    [[ $venvs == *" $venv "* ]] && continue
    venvs+="$venv "
    group=()
    for other in "${wanted[@]}"; do
      [[ $(config_venv "$other") == "$venv" ]] && group+=("$other")
    done
    (venv_group_up "${group[@]}") &
    pids+=($!) names+=("${group[*]}")
  done
  wait_all up "${names[@]}" "${pids[@]}" || exit 1
  log "up in $((SECONDS - start)) s: $(for cfg in "${wanted[@]}"; do printf '%s %s  ' "$cfg" "$(ckan_url "$cfg")"; done)"
}

# cmd_down [CONFIG...]: stops the named CKAN servers, or (no argument) everything the harness
# started.
cmd_down() {
  local cfg
  for cfg in "$@"; do is_config "$cfg" || die "unknown config '$cfg' (${CONFIGS[*]})"; done
  lock
  if (($# > 0)); then
    for cfg in "$@"; do stop_config "$cfg"; done
    return 0
  fi
  for cfg in "${CONFIGS[@]}"; do stop_config "$cfg"; done
  stop_pidfile "$STATE/solr.pid" solr_standin.py "Solr stand-in"
  stop_pidfile "$STATE/redis.pid" redis-server "Redis"
  log "down (PostgreSQL is a system service shared with others: left running;" \
    "stop it with: pg_ctlcluster $PG_VERSION $PG_CLUSTER stop)"
}

reset_config() {
  local cfg=$1 start=$SECONDS ids n codes bad left
  [[ $(http_code "$(ckan_url "$cfg")/api/3/action/status_show") == 200 ]] ||
    die "[$cfg] CKAN is not running: run 'bash harness/ckan.sh up' first"
  [[ -s $(auth_header_file "$cfg") ]] || die "[$cfg] no API token: run up first"
  if uses_xloader "$cfg"; then
    # Loads still queued for the datasets about to be purged: dropped first (RQ's lists of
    # queued job ids; a load already running finishes or fails on its purged resource).
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n "$(config_redis_db "$cfg")" --scan \
      --pattern 'rq:queue:*' | xargs -r redis-cli -h 127.0.0.1 -p "$REDIS_PORT" \
      -n "$(config_redis_db "$cfg")" DEL >/dev/null
  fi
  ids=$(pg -d "$(db_main "$cfg")" -Atc "SELECT id FROM package")
  n=$(grep -c . <<<"$ids" || true)
  if ((n > 0)); then
    codes=$(xargs -P 4 -I '{}' curl -s -m 120 -o /dev/null -w '%{http_code}\n' \
      -H @"$(auth_header_file "$cfg")" -H 'Content-Type: application/json' \
      --data-binary '{"id": "{}"}' "$(ckan_url "$cfg")/api/3/action/dataset_purge" <<<"$ids")
    bad=$(grep -cvE '^(200|404)$' <<<"$codes" || true)
    ((bad == 0)) || log "[$cfg] $bad dataset_purge calls failed"
  fi
  left=$(pg -d "$(db_main "$cfg")" -Atc "SELECT count(*) FROM package")
  ((left == 0)) || die "[$cfg] $left datasets left after dataset_purge"
  # DataStore tables are named by resource id; their resources are gone. One statement (and
  # so one transaction) per table: dropping a few thousand in one transaction runs out of
  # PostgreSQL's lock table ("out of shared memory"), as after a push benchmark.
  pg -d "$(db_datastore "$cfg")" -Atc "SELECT format('DROP TABLE IF EXISTS public.%I CASCADE;', tablename)
    FROM pg_tables WHERE schemaname = 'public'
    AND tablename ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\$'" \
    | pg -d "$(db_datastore "$cfg")" >/dev/null
  if uses_xloader "$cfg"; then
    # xloader's job tables (made at its first job) and its per-resource status (task_status,
    # which dataset_purge leaves behind).
    pg -d "$(db_main "$cfg")" >/dev/null <<'SQL'
DO $$
BEGIN
  IF to_regclass('public.jobs') IS NOT NULL THEN
    TRUNCATE public.jobs, public.metadata, public.logs;
  END IF;
  DELETE FROM task_status WHERE task_type = 'xloader';
END
$$;
SQL
  fi
  solr_clear "$cfg"
  rm -rf "$(cfg_dir "$cfg")/storage/resources"
  log "[$cfg] reset: $n datasets purged in $((SECONDS - start)) s"
}

cmd_reset() {
  local which=${1:-all} cfg
  lock
  case $which in
    all) for cfg in "${CONFIGS[@]}"; do reset_config "$cfg"; done ;;
    *)
      is_config "$which" || die "usage: ckan.sh reset [${CONFIGS[*]}|all]"
      reset_config "$which"
      ;;
  esac
}

cmd_env() {
  local which=${1:-plain} cfg
  if [[ $which == all ]]; then
    # the variables the project's push tests read (tests/common/portal.rs)
    for cfg in "${CONFIGS[@]}"; do
      printf 'export OGP_TEST_CKAN_%s_URL=%q\n' "${cfg^^}" "$(ckan_url "$cfg")"
      printf 'export OGP_TEST_CKAN_%s_TOKEN_FILE=%q\n' "${cfg^^}" "$(token_file "$cfg")"
    done
    return 0
  fi
  is_config "$which" || die "usage: ckan.sh env [${CONFIGS[*]}|all]"
  printf 'export CKAN_URL=%q\n' "$(ckan_url "$which")"
  printf 'export CKAN_API_TOKEN_FILE=%q\n' "$(token_file "$which")"
}

cmd_status() {
  local down=0 pid cfg body
  if pg_online && pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    printf '%-14s up    127.0.0.1:%s (cluster %s/%s%s)\n' postgresql "$PG_PORT" "$PG_VERSION" \
      "$PG_CLUSTER" "$([[ -e $STATE/postgres.started-by-harness ]] && echo ', started by the harness')"
  else
    printf '%-14s DOWN\n' postgresql
    down=1
  fi
  if pid=$(pid_of "$STATE/redis.pid" redis-server); then
    printf '%-14s up    127.0.0.1:%s pid %s (started by the harness)\n' redis "$REDIS_PORT" "$pid"
  elif redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    printf '%-14s up    127.0.0.1:%s (not started by the harness)\n' redis "$REDIS_PORT"
  else
    printf '%-14s DOWN\n' redis
    down=1
  fi
  if pid=$(pid_of "$STATE/solr.pid" solr_standin.py) &&
    body=$(curl -sf -m 5 "http://127.0.0.1:$SOLR_PORT/standin"); then
    printf '%-14s up    127.0.0.1:%s pid %s documents %s\n' solr-standin "$SOLR_PORT" "$pid" \
      "$(json_field "' '.join('%s=%s' % kv for kv in d['cores'].items())" <<<"$body")"
  else
    printf '%-14s DOWN\n' solr-standin
    down=1
  fi
  for cfg in "${CONFIGS[@]}"; do
    if pid=$(pid_of "$(cfg_dir "$cfg")/ckan.pid" "$(ini_of "$cfg") run") &&
      body=$(curl -sf -m 10 "$(ckan_url "$cfg")/api/3/action/status_show"); then
      printf '%-14s up    %s pid %s %s\n' "ckan-$cfg" "$(ckan_url "$cfg")" "$pid" \
        "$(json_field "'CKAN ' + d['result']['ckan_version'] + ', plugins: ' + ' '.join(d['result']['extensions'])" <<<"$body")"
    else
      printf '%-14s DOWN  %s\n' "ckan-$cfg" "$(ckan_url "$cfg")"
      down=1
    fi
    [[ -s $(token_file "$cfg") ]] || {
      printf '%-14s no API token file (%s)\n' "ckan-$cfg" "$(token_file "$cfg")"
      down=1
    }
    uses_xloader "$cfg" || continue
    if pid=$(pid_of "$(cfg_dir "$cfg")/worker.pid" "$(ini_of "$cfg") jobs worker"); then
      printf '%-14s up    pid %s (ckan jobs worker, Redis db %s)\n' "worker-$cfg" "$pid" \
        "$(config_redis_db "$cfg")"
    else
      printf '%-14s DOWN  (ckan jobs worker)\n' "worker-$cfg"
      down=1
    fi
  done
  return "$down"
}

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    reset) cmd_reset "$@" ;;
    env) cmd_env "$@" ;;
    status) if cmd_status; then exit 0; else exit 1; fi ;;
    -h | --help | help) usage 0 ;;
    *) usage 2 >&2 ;;
  esac
}

main "$@"
