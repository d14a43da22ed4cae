#!/usr/bin/env bash
# make bench: h2load drives unary gRPC calls against each target and its yardstick in the same
# run, alternating rounds so machine noise hits both alike; prints rps, p50, p99 and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v h2load >/dev/null || { echo "h2load not found: apt-get install nghttp2-client" >&2; exit 1; }
REQUESTS=${BENCH_REQUESTS:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
CLIENTS=${BENCH_CLIENTS:-4}
STREAMS=${BENCH_STREAMS:-16}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

dotnet build tests/AuthzService.Benchmarks -c Release --nologo -clp:ErrorsOnly >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ours=$(free_port); bare=$(free_port)
mkfifo "$work/stdin"
dotnet tests/AuthzService.Benchmarks/bin/Release/net10.0/AuthzService.Benchmarks.dll "$ours" "$bare" <"$work/stdin" >"$work/host.log" 2>&1 &
pids+=($!)
exec 3>"$work/stdin"   # keeps the host's stdin open until we exit
for _ in $(seq 100); do grep -q ready "$work/host.log" && break; sleep 0.1; done
grep -q ready "$work/host.log" || { cat "$work/host.log"; exit 1; }

# One length-prefixed, empty grpc.health.v1.HealthCheckRequest (service "").
printf '\x00\x00\x00\x00\x00' >"$work/health.bin"

run() { # name url body
    local name=$1 url=$2 body=$3 round=$4
    h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 \
        -H 'content-type: application/grpc' -H 'te: trailers' -d "$body" \
        --log-file="$work/$name.$round.log" "$url" >"$work/$name.$round.out" 2>&1 || { cat "$work/$name.$round.out"; exit 1; }
}

pairs=("health-ours http://127.0.0.1:$ours/grpc.health.v1.Health/Check $work/health.bin|health-bare http://127.0.0.1:$bare/grpc.health.v1.Health/Check $work/health.bin")
# Warm-up (JIT, connection pools), not measured.
REQUESTS_SAVED=$REQUESTS; REQUESTS=2000
for pair in "${pairs[@]}"; do IFS='|' read -r a b <<<"$pair"; run $a warm; run $b warm; done
REQUESTS=$REQUESTS_SAVED
for round in $(seq "$ROUNDS"); do
    for pair in "${pairs[@]}"; do IFS='|' read -r a b <<<"$pair"; run $a "$round"; run $b "$round"; done
done

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
rows = {}
pairs = [("health-ours", "health-bare", "health Check: our gRPC layer vs bare Kestrel framing")]
print(f"{'target':<14}{'rps (median)':>14}{'p50 ms':>10}{'p99 ms':>10}{'ok/total':>16}")
for a, b, _ in pairs:
    for n in (a, b):
        rows[n] = stats(n)
        rps, p50, p99, ok, total = rows[n]
        print(f"{n:<14}{rps:>14.0f}{p50:>10.3f}{p99:>10.3f}{ok:>8}/{total:<7}")
print()
for a, b, title in pairs:
    ra, rb = rows[a], rows[b]
    print(f"{title}: rps ratio {ra[0]/rb[0]:.2f}x, p50 ratio {ra[1]/rb[1]:.2f}x, p99 ratio {ra[2]/rb[2]:.2f}x")
    if ra[3] != ra[4] or rb[3] != rb[4]:
        print("  WARNING: some requests failed")
PY
