#!/usr/bin/env bash
# Real CKAN 2.11 servers on 127.0.0.1 for the project's push tests, in two configurations:
#   plain  core CKAN (plugins: activity datastore text_view)                port 5000
#   dq     CKAN + ckanext-scheming with a Données Québec-like schema        port 5001
# Each has its own databases, storage, ckan.ini and Solr core. Solr itself is replaced by
# harness/solr_standin.py (port 8983); PostgreSQL 15 and Redis are the real ones.
#
# Usage: bash harness/ckan.sh up | down | reset [plain|dq|all] | env [plain|dq|all] | status
# Run state, logs, tokens: .tools/ckan/ (git-ignored). See harness/README.md.
set -Eeuo pipefail
trap 'log "ERROR: command failed (status $?) at line $LINENO: $BASH_COMMAND"' ERR

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HARNESS_DIR")
TOOLS=$ROOT/.tools
VENV=$TOOLS/ckan-venv
STATE=$TOOLS/ckan

# Pins: changing one reinstalls the venv on the next `up`.
CKAN_VERSION=2.11.6
SCHEMING_VERSION=3.1.0
PYTHON=${OGP_HARNESS_PYTHON:-/usr/bin/python3}

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=5432
REDIS_PORT=6379
SOLR_PORT=8983
ADMIN_USER=ogp_admin
ADMIN_EMAIL=ogp-admin@example.org
CONFIGS=(plain dq)
ORGS=(
  "secretariat-du-conseil-du-tresor|Secrétariat du Conseil du trésor"
  "open-gov-office|Open Government Office"
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
    *) die "unknown config '$1' (plain or dq)" ;;
  esac
}
config_plugins() {
  case $1 in
    plain) echo "activity datastore text_view" ;;
    dq) echo "activity datastore text_view scheming_datasets" ;;
  esac
}
config_redis_db() { [[ $1 == plain ]] && echo 0 || echo 1; }
ckan_url() { echo "http://127.0.0.1:$(config_port "$1")"; }
cfg_dir() { echo "$STATE/$1"; }
ini_of() { echo "$STATE/$1/ckan.ini"; }
token_file() { echo "$STATE/$1/token"; }
auth_header_file() { echo "$STATE/$1/auth_header"; }
db_main() { echo "ckan_$1"; }
db_datastore() { echo "datastore_$1"; }
role_main() { echo "ckan_$1"; }
role_ro() { echo "datastore_ro_$1"; }

ckan_cli() { # ckan_cli CONFIG args... : the CKAN CLI with that config's ini
  local cfg=$1
  shift
  "$VENV/bin/ckan" -c "$(ini_of "$cfg")" "$@"
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

ensure_venv() {
  local want stamp=$VENV/.harness-pins
  [[ -x $PYTHON ]] || die "no Python at $PYTHON (set OGP_HARNESS_PYTHON)"
  want="ckan[requirements]==$CKAN_VERSION ckanext-scheming==$SCHEMING_VERSION $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
  if [[ -x $VENV/bin/ckan && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  log "installing CKAN $CKAN_VERSION and ckanext-scheming $SCHEMING_VERSION into $VENV"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  # (plain `pip install ckan` brings no dependencies: the pins live in the extra)
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --use-pep517 \
    "ckan[requirements]==$CKAN_VERSION" "ckanext-scheming==$SCHEMING_VERSION"
  echo "$want" >"$stamp"
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

solr_args() {
  local cfg args=()
  for cfg in "${CONFIGS[@]}"; do args+=(--core "ckan_$cfg"); done
  echo "${args[@]}"
}

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
      return 0
    fi
    pid_of "$STATE/solr.pid" solr_standin.py >/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$STATE/solr.log" >&2 || true
  die "the Solr stand-in did not start"
}

solr_count() { # documents in a config's core
  curl -s -m 5 "http://127.0.0.1:$SOLR_PORT/standin" | json_field "d['cores'].get('ckan_$1', 0)"
}

# ------------------------------------------------------------------ one configuration

ensure_db() {
  local cfg=$1 pw main ro dbm dbd
  pw=$(secret_file "$(cfg_dir "$cfg")/db_password")
  main=$(role_main "$cfg") ro=$(role_ro "$cfg") dbm=$(db_main "$cfg") dbd=$(db_datastore "$cfg")
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
ckan.views.default_views=text_view image_view
EOF
  if [[ $cfg == dq ]]; then
    cat <<EOF
scheming.dataset_schemas=file://$HARNESS_DIR/schema/donneesquebec.yaml
scheming.presets=ckanext.scheming:presets.json
scheming.dataset_fallback=false
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
    "$VENV/bin/ckan" generate config "$ini" >/dev/null
  else
    log "[$cfg] updating $ini (keeping its SECRET_KEY, so tokens stay valid)"
  fi
  local args=()
  mapfile -t args <<<"$settings"
  "$VENV/bin/ckan" config-tool "$ini" "${args[@]}" >/dev/null
  chmod 600 "$ini"
  echo "$want" >"$stamp"
}

ensure_migrated() {
  local cfg=$1 want stamp
  stamp=$(cfg_dir "$cfg")/db.stamp
  want="$CKAN_VERSION $SCHEMING_VERSION $(config_plugins "$cfg") $(cat "$(cfg_dir "$cfg")/ini.sha256")"
  [[ "$(cat "$stamp" 2>/dev/null)" == "$want" ]] && return 0
  log "[$cfg] initialising the database and applying migrations"
  ckan_cli "$cfg" db init >>"$(cfg_dir "$cfg")/cli.log" 2>&1 ||
    { tail -n 30 "$(cfg_dir "$cfg")/cli.log" >&2; die "[$cfg] ckan db init failed"; }
  ckan_cli "$cfg" db pending-migrations --apply >>"$(cfg_dir "$cfg")/cli.log" 2>&1 ||
    { tail -n 30 "$(cfg_dir "$cfg")/cli.log" >&2; die "[$cfg] pending migrations failed"; }
  log "[$cfg] setting DataStore permissions"
  # set-permissions only prints SQL (it starts with \connect to the datastore database).
  ckan_cli "$cfg" datastore set-permissions 2>>"$(cfg_dir "$cfg")/cli.log" | pg -d postgres >/dev/null
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
    cat "$VENV/.harness-pins"
    cat "$(cfg_dir "$cfg")/ini.sha256"
    cat "$(cfg_dir "$cfg")/db.stamp"
    if [[ $cfg == dq ]]; then sha256sum "$HARNESS_DIR/schema/donneesquebec.yaml"; fi
  } | sha256sum | cut -d' ' -f1
}

ensure_running() {
  local cfg=$1 port ini pidfile logfile want pid start i code
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
  start_daemon "$pidfile" "$logfile" "$VENV/bin/ckan" -c "$ini" run -H 127.0.0.1 -p "$port" \
    --disable-reloader --threaded
  start=$SECONDS
  while ((SECONDS - start < READY_TIMEOUT)); do
    code=$(http_code "$(ckan_url "$cfg")/api/3/action/status_show" 5)
    if [[ $code == 200 ]]; then
      echo "$want" >"$(cfg_dir "$cfg")/run.stamp"
      log "[$cfg] CKAN answers after $((SECONDS - start)) s (pid $(cat "$pidfile"))"
      return 0
    fi
    if ! pid_of "$pidfile" "$ini run" >/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "[$cfg] CKAN exited while starting (log: $logfile)"
    fi
    sleep 0.5
  done
  tail -n 40 "$logfile" >&2 || true
  die "[$cfg] CKAN did not answer status_show within $READY_TIMEOUT s (log: $logfile)"
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
    ckan_cli "$cfg" user add "$ADMIN_USER" "email=$ADMIN_EMAIL" "password=$pw" sysadmin=True \
      >>"$(cfg_dir "$cfg")/cli.log" 2>&1 </dev/null || die "[$cfg] ckan user add failed"
  else
    log "[$cfg] making $ADMIN_USER a sysadmin"
    ckan_cli "$cfg" sysadmin add "$ADMIN_USER" >>"$(cfg_dir "$cfg")/cli.log" 2>&1 </dev/null ||
      die "[$cfg] ckan sysadmin add failed"
  fi
}

ensure_token() {
  local cfg=$1 tf hf token
  tf=$(token_file "$cfg") hf=$(auth_header_file "$cfg")
  if [[ -s $tf && -s $hf ]]; then
    api "$cfg" "api_token_list?user_id=$ADMIN_USER"
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
  api "$cfg" "api_token_list?user_id=$ADMIN_USER"
  [[ $CODE == 200 ]] || die "[$cfg] the new API token is refused ($CODE)"
}

ensure_orgs() {
  local cfg=$1 entry name title data
  for entry in "${ORGS[@]}"; do
    name=${entry%%|*} title=${entry#*|}
    api "$cfg" "organization_show?id=$name"
    [[ $CODE == 200 ]] && continue
    log "[$cfg] creating organization $name"
    data=$(NAME=$name TITLE=$title "$PYTHON" -c \
      'import json,os; print(json.dumps({"name": os.environ["NAME"], "title": os.environ["TITLE"]}))')
    api "$cfg" organization_create -H 'Content-Type: application/json' --data-binary "$data"
    [[ $CODE == 200 ]] || log "[$cfg] organization_create $name answered $CODE: ${BODY:0:300}"
    api "$cfg" "organization_show?id=$name"
    [[ $CODE == 200 ]] || die "[$cfg] organization $name is missing after organization_create ($CODE)"
  done
}

config_up() {
  local cfg=$1
  mkdir -p "$(cfg_dir "$cfg")/storage"
  chmod 700 "$(cfg_dir "$cfg")"
  ensure_db "$cfg"
  ensure_ini "$cfg"
  ensure_migrated "$cfg"
  ensure_indexed "$cfg"
  ensure_running "$cfg"
  ensure_admin "$cfg"
  ensure_token "$cfg"
  ensure_orgs "$cfg"
}

# ------------------------------------------------------------------ commands

lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 600 9 || die "another ckan.sh holds $STATE/.lock"
}

cmd_up() {
  local start=$SECONDS cfg pids=() failed=0 i
  lock
  ensure_packages
  ensure_venv
  ensure_postgres
  ensure_redis
  ensure_solr
  # The two configurations are independent: bring them up side by side.
  for cfg in "${CONFIGS[@]}"; do
    (config_up "$cfg") &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || {
      log "[${CONFIGS[$i]}] bring-up failed"
      failed=1
    }
  done
  ((failed == 0)) || exit 1
  log "up in $((SECONDS - start)) s: plain $(ckan_url plain), dq $(ckan_url dq)"
}

cmd_down() {
  local cfg
  lock
  for cfg in "${CONFIGS[@]}"; do
    stop_pidfile "$(cfg_dir "$cfg")/ckan.pid" "$(ini_of "$cfg") run" "CKAN $cfg"
  done
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
  # DataStore tables are named by resource id; their resources are gone.
  pg -d "$(db_datastore "$cfg")" >/dev/null <<'SQL'
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
           AND tablename ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', t.tablename);
  END LOOP;
END
$$;
SQL
  curl -sf -m 10 -o /dev/null -H 'Content-Type: text/xml; charset=utf-8' \
    --data-binary '<delete><query>*:*</query></delete>' \
    "http://127.0.0.1:$SOLR_PORT/solr/ckan_$cfg/update?commit=true" ||
    die "[$cfg] could not clear the stand-in's index"
  rm -rf "$(cfg_dir "$cfg")/storage/resources"
  log "[$cfg] reset: $n datasets purged in $((SECONDS - start)) s"
}

cmd_reset() {
  local which=${1:-all} cfg
  lock
  case $which in
    all) for cfg in "${CONFIGS[@]}"; do reset_config "$cfg"; done ;;
    plain | dq) reset_config "$which" ;;
    *) die "usage: ckan.sh reset [plain|dq|all]" ;;
  esac
}

cmd_env() {
  local which=${1:-plain} cfg up
  case $which in
    plain | dq)
      printf 'export CKAN_URL=%q\n' "$(ckan_url "$which")"
      printf 'export CKAN_API_TOKEN_FILE=%q\n' "$(token_file "$which")"
      ;;
    all) # the variables the project's push tests read (tests/common/portal.rs)
      for cfg in "${CONFIGS[@]}"; do
        up=${cfg^^}
        printf 'export OGP_TEST_CKAN_%s_URL=%q\n' "$up" "$(ckan_url "$cfg")"
        printf 'export OGP_TEST_CKAN_%s_TOKEN_FILE=%q\n' "$up" "$(token_file "$cfg")"
      done
      ;;
    *) die "usage: ckan.sh env [plain|dq|all]" ;;
  esac
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
  done
  return "$down"
}

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    reset) cmd_reset "$@" ;;
    env) cmd_env "$@" ;;
    status) if cmd_status; then exit 0; else exit 1; fi ;;
    -h | --help | help) usage 0 ;;
    *) usage 2 >&2 ;;
  esac
}

main "$@"
