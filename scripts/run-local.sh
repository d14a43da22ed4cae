#!/usr/bin/env bash
# make run: a throwaway local stack (PostgreSQL, Cerbos over mTLS with the repo's policies, Redis
# when installed) with demo data, and the service in the foreground on 127.0.0.1:50051 (h2c).
# Ctrl-C stops everything this script started. State lives in .run/ (git-ignored); delete it to reset.
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-Release}"
root=$(pwd)
state="$root/.run"
PG_PORT=${AUTHZ_PG_PORT:-55432}
CERBOS_GRPC_PORT=${AUTHZ_CERBOS_GRPC_PORT:-53593}
CERBOS_HTTP_PORT=${AUTHZ_CERBOS_HTTP_PORT:-53592}
REDIS_PORT=${AUTHZ_REDIS_PORT:-56379}
LISTEN=${AUTHZ_LISTEN:-http://127.0.0.1:50051}
CERBOS="$root/.tools/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64"
mkdir -p "$state"
pids=()

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(dirname "$(readlink -f "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")")

cleanup() {
    trap - EXIT INT TERM
    log "stopping the local stack"
    # The service first (it drains its calls), then what it depends on, so nothing logs a lost database.
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    as_pg "$pgbin/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

# PostgreSQL: a cluster in .run/pg, owned by the postgres user when we are root (it refuses root).
if [[ ! -f "$state/pg/PG_VERSION" ]]; then
    log "initialising PostgreSQL in .run/pg"
    mkdir -p "$state/pg"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$state/pg"
    as_pg "$pgbin/initdb" -D "$state/pg" -U postgres --auth=trust >"$state/initdb.log"
fi
as_pg "$pgbin/pg_ctl" -D "$state/pg" -o "-p $PG_PORT -k $state/pg -c listen_addresses=127.0.0.1" -l "$state/pg/server.log" -w start >/dev/null
log "PostgreSQL on 127.0.0.1:$PG_PORT"
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"

# Certificates for mTLS to Cerbos: a local CA, a server certificate for 127.0.0.1/localhost, a client certificate.
certs="$state/certs"
if [[ ! -f "$certs/client.key" ]]; then
    log "creating a local CA and certificates in .run/certs"
    mkdir -p "$certs"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj "/CN=AuthzService local CA" \
        -keyout "$certs/ca.key" -out "$certs/ca.crt" 2>/dev/null
    for who in server client; do
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" \
            -keyout "$certs/$who.key" -out "$certs/$who.csr" 2>/dev/null
        if [[ $who == server ]]; then ext="subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth"; else ext="extendedKeyUsage=clientAuth"; fi
        openssl x509 -req -in "$certs/$who.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -days 365 \
            -extfile <(printf "$ext") -out "$certs/$who.crt" 2>/dev/null
    done
fi

# Cerbos with TLS (client certificates verified against the CA) and the repo's policies.
cat >"$state/cerbos.yaml" <<YAML
server:
  grpcListenAddr: "127.0.0.1:$CERBOS_GRPC_PORT"
  httpListenAddr: "127.0.0.1:$CERBOS_HTTP_PORT"
  tls:
    cert: $certs/server.crt
    key: $certs/server.key
    caCert: $certs/ca.crt
storage:
  driver: disk
  disk:
    directory: $root/cerbos-policies
    watchForChanges: true
audit:
  enabled: false
YAML
# Engine-wide settings the policies rely on: the one file the Helm chart and the tests use too.
cat "$root/helm/authz-service/files/cerbos-base.yaml" >>"$state/cerbos.yaml"
"$CERBOS" server --config="$state/cerbos.yaml" >"$state/cerbos.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    curl -sf --cacert "$certs/ca.crt" --cert "$certs/client.crt" --key "$certs/client.key" \
        "https://127.0.0.1:$CERBOS_HTTP_PORT/_cerbos/health" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf --cacert "$certs/ca.crt" --cert "$certs/client.crt" --key "$certs/client.key" \
    "https://127.0.0.1:$CERBOS_HTTP_PORT/_cerbos/health" >/dev/null || { cat "$state/cerbos.log"; exit 1; }
log "Cerbos on 127.0.0.1:$CERBOS_GRPC_PORT (mTLS), policies from cerbos-policies/"
export Cerbos__Address="https://127.0.0.1:$CERBOS_GRPC_PORT"
export Cerbos__Tls__CaCertificate="$certs/ca.crt"
export Cerbos__Tls__ClientCertificate="$certs/client.crt"
export Cerbos__Tls__ClientKey="$certs/client.key"
# AuthZEN action search reads the actions the policies declare from the directory Cerbos loads.
export AuthZen__PolicyDirectory="$root/cerbos-policies"

if command -v redis-server >/dev/null; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no >"$state/redis.log" 2>&1 &
    pids+=($!)
    export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT"
    # L2 values are signed (Cache__SigningKey): one key per .run/ state, kept so restarts reuse the cache.
    [[ -s "$state/cache-signing-key" ]] || (umask 077 && openssl rand -base64 32 >"$state/cache-signing-key")
    export Cache__SigningKey="$(cat "$state/cache-signing-key")"
    log "Redis on 127.0.0.1:$REDIS_PORT (L2 values signed with the key in .run/cache-signing-key)"
fi

api="src/AuthzService.Api/bin/$config/net10.0/AuthzService.Api.dll"
log "applying migrations and loading demo data"
dotnet "$api" migrate >/dev/null
as_pg "$pgbin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -f scripts/demo-data.sql

ctl="scripts/authzctl"
[[ "$config" == Release ]] || ctl="CONFIG=$config scripts/authzctl"
cat <<TXT

  AuthzService is starting on ${LISTEN#http://} (h2c). Try authzctl from another terminal
  (scripts/authzctl runs src/AuthzService.Ctl/bin/$config/net10.0/authzctl.dll; exit 0 allowed, 1 denied, 2 error):

    $ctl health
    $ctl check --tenant acme --principal alice --resource document:doc-1 \\
        --attr tenant_id=acme --attr owner_id=bob --action read --action delete
    $ctl check --tenant globex --principal alice --resource document:doc-9 \\
        --attr tenant_id=globex --attr owner_id=dave --action read --action delete
    $ctl explain --tenant acme --principal bob --team red --resource document:doc-1 \\
        --attr tenant_id=acme --attr owner_id=bob --action delete
    $ctl tenants list
    $ctl memberships list --tenant acme -o json
    $ctl invalidate --tenant acme
    $ctl --help

  AuthZEN (HTTP/JSON, docs/authzen.md) on ${Kestrel__Endpoints__Http__Url:-http://127.0.0.1:8080}:

    curl -s -H 'Content-Type: application/json' ${Kestrel__Endpoints__Http__Url:-http://127.0.0.1:8080}/tenants/acme/access/v1/evaluation \\
        -d '{"subject":{"type":"user","id":"alice"},"action":{"name":"delete"},
             "resource":{"type":"document","id":"doc-1","properties":{"tenant_id":"acme","owner_id":"bob"}}}'
    curl -s -H 'Content-Type: application/json' ${Kestrel__Endpoints__Http__Url:-http://127.0.0.1:8080}/tenants/acme/access/v1/search/action \\
        -d '{"subject":{"type":"user","id":"carol"},"resource":{"type":"document","id":"doc-1","properties":{"tenant_id":"acme","owner_id":"bob"}}}'

  Demo principals: alice (org_admin in acme, viewer in globex), bob (member in acme, team_lead of
  team red), carol (viewer in acme, team_member of blue), dave (member in globex), erin (admin of
  the suspended tenant initech). An independent client (grpc-js): scripts/authz-check.js (usage in its header).
  Ctrl-C stops everything.

TXT
export ASPNETCORE_ENVIRONMENT=Development
export Kestrel__Endpoints__Grpc__Url="$LISTEN"
dotnet "$api" &
pids+=($!)
wait "${pids[-1]}"
