#!/usr/bin/env bash
# make bench: each target against its yardstick in the same run, alternating rounds so machine noise hits
# both alike; prints rps, p50, p99 and the ratios.
#   1. health Check: Grpc.HealthCheck on Grpc.AspNetCore (as the service serves it) vs a bare Kestrel handler (h2load);
#   2. cached CheckResources through the whole service vs the bare Kestrel framing ceiling with the same
#      request body (h2load);
#   2b. the same cached CheckResources vs a bare Grpc.AspNetCore method returning a fixed response: the
#      framework's own ceiling (h2load);
#   3. cache misses through the whole service vs direct Cerbos CheckResources. Cerbos requires a client
#      certificate and h2load cannot present one, so both sides are driven by the same .NET load loop on
#      Grpc.Net.Client (tests/AuthzService.Benchmarks/LoadLoop.cs) at the same concurrency: "fresh" misses
#      (consistency.fully_consistent: principal re-read from PostgreSQL + Cerbos call) and "unique" misses
#      (new resource id per call: principal cached, decision miss). The cached run is repeated with that loop
#      too, so hits and misses can be compared like for like.
#   4. fully_consistent under concurrency (issue 17): timed rounds (BENCH_FRESH_ROUNDS x BENCH_FRESH_SECONDS at
#      BENCH_FRESH_CONCURRENCY in flight, default 3 x 10 s at 200) of fresh misses, then the same rounds of direct
#      Cerbos; one line per round, the spread between rounds, PostgreSQL's peak connection count during the fresh
#      rounds and the connection attempts PostgreSQL refused ("too many clients"). The service runs with its own
#      PostgreSQL pool default against PostgreSQL's default max_connections (100), as deployed: a pool that can
#      outgrow the server collapses here (docs/performance.md).
# BENCH_ONLY=fresh-rounds runs section 4 alone; BENCH_PG_EXTRA is appended to the service's connection string
# (experiments: ";Maximum Pool Size=100"); BENCH_SERVE=1 keeps the stack up for profiling (below).
# The stack is the real one, started here: PostgreSQL (as postgres via runuser when root), Cerbos over mTLS
# (certificates from openssl), Redis, and the service (Release), seeded with one tenant and a viewer.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v h2load >/dev/null || { echo "h2load not found: apt-get install nghttp2-client" >&2; exit 1; }
REQUESTS=${BENCH_REQUESTS:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
CLIENTS=${BENCH_CLIENTS:-4}
STREAMS=${BENCH_STREAMS:-16}
LOAD_REQUESTS=${BENCH_LOAD_REQUESTS:-4000}
LOAD_CONCURRENCY=${BENCH_LOAD_CONCURRENCY:-16}
FRESH_ROUNDS=${BENCH_FRESH_ROUNDS:-3}
FRESH_SECONDS=${BENCH_FRESH_SECONDS:-10}
FRESH_CONCURRENCY=${BENCH_FRESH_CONCURRENCY:-200}
ONLY=${BENCH_ONLY:-}
root=$(pwd)
CERBOS="${AUTHZ_TOOLS_DIR:-$root/.tools}/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64"
work=$(mktemp -d)
chmod 755 "$work"   # the postgres user must reach its data directory inside
pids=()
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(dirname "$(readlink -f "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")")
cleanup() {
    exec 3>&- 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    # Give each process a moment to exit (the service closes its connections) before PostgreSQL stops.
    for p in "${pids[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -9 "$p" 2>/dev/null || true; done
    [[ -f "$work/pg/PG_VERSION" ]] && as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
    [[ -n "${BENCH_KEEP:-}" ]] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
log() { printf '==> %s\n' "$*" >&2; }

dotnet build tests/AuthzService.Benchmarks -c Release --nologo -clp:ErrorsOnly >/dev/null
dotnet build src/AuthzService.Api -c Release --nologo -clp:ErrorsOnly >/dev/null
bench_dll=tests/AuthzService.Benchmarks/bin/Release/net10.0/AuthzService.Benchmarks.dll
api_dll=src/AuthzService.Api/bin/Release/net10.0/AuthzService.Api.dll
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Bind the in-process yardstick first: ports picked early could be taken by outbound connections later.
ours=$(free_port); bare=$(free_port); framework=$(free_port)
mkfifo "$work/stdin"
dotnet "$bench_dll" "$ours" "$bare" "$framework" <"$work/stdin" >"$work/host.log" 2>&1 &
pids+=($!)
exec 3>"$work/stdin"   # keeps the host's stdin open until we exit
for _ in $(seq 100); do grep -qx ready "$work/host.log" && break; sleep 0.1; done
grep -qx ready "$work/host.log" || { cat "$work/host.log"; exit 1; }

pg_port=$(free_port); cerbos_grpc=$(free_port); cerbos_http=$(free_port); redis_port=$(free_port); svc=$(free_port)

log "PostgreSQL on $pg_port"
mkdir -p "$work/pg"; [[ $(id -u) -eq 0 ]] && chown postgres: "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg" -U postgres --auth=trust --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" -l "$work/pg/server.log" -w start >/dev/null

log "Cerbos on $cerbos_grpc (mTLS)"
certs="$work/certs"; mkdir -p "$certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench CA" -keyout "$certs/ca.key" -out "$certs/ca.crt" 2>/dev/null
for who in server client; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" -keyout "$certs/$who.key" -out "$certs/$who.csr" 2>/dev/null
    if [[ $who == server ]]; then ext="subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth"; else ext="extendedKeyUsage=clientAuth"; fi
    openssl x509 -req -in "$certs/$who.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -days 2 -extfile <(printf "$ext") -out "$certs/$who.crt" 2>/dev/null
done
cat >"$work/cerbos.yaml" <<YAML
server:
  grpcListenAddr: "127.0.0.1:$cerbos_grpc"
  httpListenAddr: "127.0.0.1:$cerbos_http"
  tls: { cert: $certs/server.crt, key: $certs/server.key, caCert: $certs/ca.crt }
storage: { driver: disk, disk: { directory: $root/cerbos-policies } }
audit: { enabled: false }
YAML
cat "$root/helm/authz-service/files/cerbos-base.yaml" >>"$work/cerbos.yaml"
"$CERBOS" server --config="$work/cerbos.yaml" >"$work/cerbos.log" 2>&1 &
pids+=($!)
curl_cerbos() { curl -sf --cacert "$certs/ca.crt" --cert "$certs/client.crt" --key "$certs/client.key" "https://127.0.0.1:$cerbos_http/_cerbos/health" >/dev/null 2>&1; }
for _ in $(seq 100); do curl_cerbos && break; sleep 0.2; done
curl_cerbos || { cat "$work/cerbos.log"; exit 1; }

log "Redis on $redis_port"
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)

log "AuthzService on $svc"
# The service's own pool default (no Maximum Pool Size here): what a deployment gets.
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres${BENCH_PG_EXTRA:-}"
export ConnectionStrings__Redis="127.0.0.1:$redis_port"
# L2 values are signed (required outside Development with Redis): a throwaway key for this run.
export Cache__SigningKey="$(openssl rand -base64 32)"
export Cerbos__Address="https://127.0.0.1:$cerbos_grpc" Cerbos__Tls__CaCertificate="$certs/ca.crt"
export Cerbos__Tls__ClientCertificate="$certs/client.crt" Cerbos__Tls__ClientKey="$certs/client.key"
export Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$svc" Logging__LogLevel__Default=Warning
# Plaintext on loopback (h2load cannot present a client certificate); rate limits far above what two cores
# can serve, so the limiter stays on the path but never refuses a bench call.
export Auth__AllowPlaintext=true RateLimits__PerCaller__PermitsPerSecond=10000000 RateLimits__PerTenant__PermitsPerSecond=10000000
dotnet "$api_dll" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
dotnet "$api_dll" >"$work/service.log" 2>&1 &
pids+=($!)
# Retried while the service starts (a subshell, so a failed early attempt prints nothing).
for _ in $(seq 120); do (dotnet "$bench_dll" seed "http://127.0.0.1:$svc" >/dev/null 2>&1) 2>/dev/null && break; sleep 0.5; done
dotnet "$bench_dll" seed "http://127.0.0.1:$svc" || { cat "$work/service.log"; exit 1; }
dotnet "$bench_dll" body "$work/check.bin" doc-1

# BENCH_SERVE=1: keep the stack up for profiling (dotnet-counters, dotnet-trace, pg_stat_activity) instead of
# running the bench; its addresses go to $work/stack.env; stops (and cleans up) on SIGINT/SIGTERM.
if [[ -n "${BENCH_SERVE:-}" ]]; then
    service_pid=${pids[-1]}
    cat >"$work/stack.env" <<ENV
work=$work
svc=http://127.0.0.1:$svc
service_pid=$service_pid
cerbos=https://127.0.0.1:$cerbos_grpc
certs=$certs
pg_port=$pg_port
pg_socket=$work/pg
bench_dll=$root/$bench_dll
ENV
    log "stack up: source $work/stack.env"
    echo "$work/stack.env"
    trap 'exit 0' INT TERM
    while :; do sleep 1; done
fi

# One length-prefixed, empty grpc.health.v1.HealthCheckRequest (service "").
printf '\x00\x00\x00\x00\x00' >"$work/health.bin"

run() { # name url body
    local name=$1 url=$2 body=$3 round=$4
    h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 \
        -H 'content-type: application/grpc' -H 'te: trailers' -d "$body" \
        --log-file="$work/$name.$round.log" "$url" >"$work/$name.$round.out" 2>&1 || { cat "$work/$name.$round.out"; exit 1; }
}

pairs=("health-ours http://127.0.0.1:$ours/grpc.health.v1.Health/Check $work/health.bin|health-bare http://127.0.0.1:$bare/grpc.health.v1.Health/Check $work/health.bin"
       "check-hit http://127.0.0.1:$svc/authz.v1.AuthorizationService/CheckResources $work/check.bin|check-bare http://127.0.0.1:$bare/authz.v1.AuthorizationService/CheckResources $work/check.bin"
       "check-hit2 http://127.0.0.1:$svc/authz.v1.AuthorizationService/CheckResources $work/check.bin|check-framework http://127.0.0.1:$framework/authz.v1.AuthorizationService/CheckResources $work/check.bin")
load() { # name round args...
    local name=$1 round=$2; shift 2
    dotnet "$bench_dll" load "$@" >"$work/$name.$round.load" || { cat "$work/$name.$round.load"; exit 1; }
}
loads() { # round
    load loop-hit "$1" service "http://127.0.0.1:$svc" "$LOAD_CONCURRENCY" "$LOAD_REQUESTS" hit
    load miss-fresh "$1" service "http://127.0.0.1:$svc" "$LOAD_CONCURRENCY" "$LOAD_REQUESTS" fresh
    load miss-unique "$1" service "http://127.0.0.1:$svc" "$LOAD_CONCURRENCY" "$LOAD_REQUESTS" unique
    load cerbos-direct "$1" cerbos "https://127.0.0.1:$cerbos_grpc" "$certs/ca.crt" "$certs/client.crt" "$certs/client.key" "$LOAD_CONCURRENCY" "$LOAD_REQUESTS"
}
# 4. fully_consistent under concurrency: consecutive timed rounds (a collapse shows round over round), then direct
# Cerbos the same way; PostgreSQL's connections sampled each second, refusals counted from its log.
fresh_rounds() {
    local before peak_file="$work/pg-connections"
    before=$(grep -c "too many clients" "$work/pg/server.log" || true)
    ( while :; do
          as_pg "$pgbin/psql" -h "$work/pg" -p "$pg_port" -U postgres -Atc \
              "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || true
          sleep 1
      done >"$peak_file" ) &
    local sampler=$!
    dotnet "$bench_dll" rounds service "http://127.0.0.1:$svc" "$FRESH_CONCURRENCY" "$FRESH_SECONDS" "$FRESH_ROUNDS" fresh >"$work/fresh-rounds.txt"
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    dotnet "$bench_dll" rounds cerbos "https://127.0.0.1:$cerbos_grpc" "$certs/ca.crt" "$certs/client.crt" "$certs/client.key" \
        "$FRESH_CONCURRENCY" "$FRESH_SECONDS" "$FRESH_ROUNDS" >"$work/cerbos-rounds.txt"
    local after; after=$(grep -c "too many clients" "$work/pg/server.log" || true)
    python3 - "$work" "$FRESH_CONCURRENCY" "$FRESH_SECONDS" "$((after - before))" <<'PY'
import statistics, sys
work, concurrency, seconds, refused = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def rounds(name):
    return [dict(x.split("=") for x in line.split()) for line in open(f"{work}/{name}").read().splitlines() if line]
fresh, cerbos = rounds("fresh-rounds.txt"), rounds("cerbos-rounds.txt")
print(f"fully_consistent under concurrency: {concurrency} in flight, {seconds} s rounds (.NET load loop, gRPC statuses)")
print(f"{'round':<8}{'fresh rps':>11}{'p50 ms':>9}{'p99 ms':>10}{'mean ms':>9}{'not OK':>8}   {'Cerbos rps':>11}{'p50 ms':>9}{'p99 ms':>10}")
for f, c in zip(fresh, cerbos):
    print(f"{f['round']:<8}{float(f['rps']):>11.0f}{float(f['p50']):>9.1f}{float(f['p99']):>10.1f}{float(f['mean']):>9.1f}"
          f"{int(f['total']) - int(f['ok']):>8}   {float(c['rps']):>11.0f}{float(c['p50']):>9.1f}{float(c['p99']):>10.1f}")
rps = [float(f["rps"]) for f in fresh]
direct = statistics.median(float(c["rps"]) for c in cerbos)
spread = (max(rps) - min(rps)) / statistics.median(rps) if min(rps) > 0 else float("inf")
peaks = [int(x) for x in open(f"{work}/pg-connections").read().split() if x.isdigit()]
failed = sum(int(f["total"]) - int(f["ok"]) for f in fresh)
print(f"fresh vs direct Cerbos (medians): {statistics.median(rps) / direct:.2f}x; spread between fresh rounds "
      f"{spread * 100:.0f}% ({'stable' if spread <= 0.10 else 'UNSTABLE: more than 10%'})")
print(f"PostgreSQL during the fresh rounds: peak {max(peaks, default=0)} client connections, {refused} connection attempts refused (too many clients)")
if failed or refused:
    print(f"  WARNING: {failed} fresh calls not OK, {refused} PostgreSQL connections refused")
PY
}
if [[ $ONLY == fresh-rounds ]]; then
    fresh_rounds
    exit 0
fi

# Warm-up (JIT, connection pools), not measured.
REQUESTS_SAVED=$REQUESTS; REQUESTS=2000
for pair in "${pairs[@]}"; do IFS='|' read -r a b <<<"$pair"; run $a warm; run $b warm; done
REQUESTS=$REQUESTS_SAVED
LOAD_SAVED=$LOAD_REQUESTS; LOAD_REQUESTS=1000; loads warm; LOAD_REQUESTS=$LOAD_SAVED
for round in $(seq "$ROUNDS"); do
    for pair in "${pairs[@]}"; do IFS='|' read -r a b <<<"$pair"; run $a "$round"; run $b "$round"; done
    loads "$round"
done
log "h2load: $CLIENTS clients x $STREAMS streams, $REQUESTS requests per run; load loop: $LOAD_CONCURRENCY in flight, $LOAD_REQUESTS per run; $ROUNDS rounds, medians"

python3 - "$work" "$ROUNDS" <<'PY'
import glob, re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def stats(name):
    rps, lat, ok, total = [], [], 0, 0
    for r in range(1, rounds + 1):
        out = open(f"{work}/{name}.{r}.out").read()
        rps.append(float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1)))
        m = re.search(r"requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded", out)
        total += int(m.group(1)); ok += int(m.group(2))
        for line in open(f"{work}/{name}.{r}.log"):
            parts = line.split()
            if len(parts) >= 3:
                lat.append(int(parts[2]))
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] / 1000.0
    return statistics.median(rps), q(0.50), q(0.99), ok, total
def load_stats(name):
    runs = []
    for r in range(1, rounds + 1):
        kv = dict(x.split("=") for x in open(f"{work}/{name}.{r}.load").read().split())
        runs.append(kv)
    med = lambda k: statistics.median(float(x[k]) for x in runs)
    return med("rps"), med("p50"), med("p99"), sum(int(x["ok"]) for x in runs), sum(int(x["total"]) for x in runs)
rows = {}
pairs = [("health-ours", "health-bare", "health Check: Grpc.AspNetCore + Grpc.HealthCheck vs bare Kestrel framing"),
         ("check-hit", "check-bare", "cached CheckResources (whole service, L1 hit) vs bare Kestrel framing ceiling"),
         ("check-hit2", "check-framework", "cached CheckResources (whole service, L1 hit) vs bare Grpc.AspNetCore method (fixed response)")]
loads = [("miss-fresh", "cerbos-direct", "cache miss, fully_consistent (PostgreSQL + Cerbos) vs direct Cerbos"),
         ("miss-unique", "cerbos-direct", "cache miss, unique resource ids (Cerbos) vs direct Cerbos"),
         ("loop-hit", "cerbos-direct", "cached CheckResources vs direct Cerbos (same load loop)")]
print(f"{'target':<14}{'rps (median)':>14}{'p50 ms':>10}{'p99 ms':>10}{'ok/total':>16}")
for a, b, _ in pairs:
    for n in (a, b):
        rows[n] = stats(n)
for n in ("loop-hit", "miss-fresh", "miss-unique", "cerbos-direct"):
    rows[n] = load_stats(n)
for n, (rps, p50, p99, ok, total) in rows.items():
    print(f"{n:<14}{rps:>14.0f}{p50:>10.3f}{p99:>10.3f}{ok:>8}/{total:<7}")
print()
for a, b, title in pairs + loads:
    ra, rb = rows[a], rows[b]
    print(f"{title}: rps ratio {ra[0]/rb[0]:.2f}x, p50 ratio {ra[1]/rb[1]:.2f}x, p99 ratio {ra[2]/rb[2]:.2f}x")
    if ra[3] != ra[4] or rb[3] != rb[4]:
        print("  WARNING: some requests failed")
PY

if [[ $FRESH_ROUNDS -gt 0 ]]; then
    echo
    fresh_rounds
fi
