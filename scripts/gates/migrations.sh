#!/usr/bin/env bash
# Migration gate: applies every migration to an empty PostgreSQL with the service's own `migrate`
# command, dumps the schema (pg_dump --schema-only, normalised) and compares it, and the migrations'
# checksums, with the committed snapshot. Fails on a migration edited after it was recorded, a
# migration missing from the snapshot, a removed one, or any difference in the resulting schema.
#
# Usage: migrations.sh [--update] [--snapshot FILE] [--migrations DIR] [--dump FILE] [--save-dump FILE]
#   --update          write the snapshot instead of comparing (refuses to change the recorded checksum
#                     of an existing migration unless AUTHZ_ALLOW_EDITED_MIGRATION=1)
#   --dump FILE       compare this normalised dump instead of starting PostgreSQL (self-checks)
#   --save-dump FILE  keep the normalised dump (self-checks reuse it)
# Needs the built service (CONFIG, default Release) and the PostgreSQL server binaries (AUTHZ_PG_BIN,
# else the newest /usr/lib/postgresql/*/bin), like the test fixture tests/AuthzService.Testing/PostgresServer.cs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
config=${CONFIG:-Release}
snapshot=$repo/src/AuthzService.Infrastructure/Postgres/schema.snapshot.sql
migrations=$repo/src/AuthzService.Infrastructure/Postgres/Migrations
update=0; dump=""; save_dump=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --update) update=1 ;;
        --snapshot) snapshot=$2; shift ;;
        --migrations) migrations=$2; shift ;;
        --dump) dump=$2; shift ;;
        --save-dump) save_dump=$2; shift ;;
        *) echo "migrations: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
rel() { echo "${1#"$repo/"}"; }
fail() { echo "migrations: FAIL $*"; failed=1; }
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/authz-migrations.XXXXXX")
chmod 711 "$work"   # the server runs as postgres when we are root: it must reach $work/pg
pgbin=""; pgdata=""
cleanup() {
    if [[ -n $pgdata && -f $pgdata/postmaster.pid ]]; then as_postgres "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Checksums as MigrationRunner computes them: SHA-256 of the UTF-8 text (BOM dropped, as the embedded
# resource reader does) with CRLF turned into LF.
source_checksums() {
    python3 - "$1" <<'PY'
import hashlib, pathlib, re, sys
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.sql")):
    m = re.fullmatch(r"([0-9]{4})_([a-z0-9_]+)\.sql", f.name)
    if not m:
        print(f"bad-name {f.name}")
        continue
    text = f.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    print(int(m.group(1)), m.group(2), hashlib.sha256(text.encode("utf-8")).hexdigest())
PY
}

# ---------------------------------------------------------------- the schema the migrations build
if [[ -z $dump ]]; then
    if [[ -n ${AUTHZ_PG_BIN:-} ]]; then pgbin=$AUTHZ_PG_BIN; else pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1); fi
    [[ -x $pgbin/initdb ]] || { echo "migrations: FAIL no PostgreSQL server binaries (AUTHZ_PG_BIN or /usr/lib/postgresql/*/bin)"; exit 1; }
    dll=$repo/src/AuthzService.Api/bin/$config/net10.0/AuthzService.Api.dll
    [[ -f $dll ]] || { echo "migrations: FAIL $(rel "$dll") is missing: build first (make build)"; exit 1; }
    pgdata=$work/pg/data
    mkdir -p "$work/pg"
    [[ $(id -u) -eq 0 ]] && chown -R postgres: "$work/pg"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 \
        || { cat "$work/initdb.log"; echo "migrations: FAIL initdb"; exit 1; }
    as_postgres "$pgbin/pg_ctl" -D "$pgdata" -l "$work/pg/server.log" -w -t 60 \
        -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
        || { cat "$work/pg/server.log"; echo "migrations: FAIL PostgreSQL did not start"; exit 1; }
    "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres authz_schema
    echo "migrations: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port; applying with \`AuthzService.Api migrate\`"
    ConnectionStrings__Postgres="Host=127.0.0.1;Port=$port;Username=postgres;Database=authz_schema" \
        DOTNET_ENVIRONMENT=Production dotnet "$dll" migrate >"$work/migrate.log" 2>&1 \
        || { cat "$work/migrate.log"; echo "migrations: FAIL the migrate command failed on an empty database"; exit 1; }
    # Normalised: pg_dump's own comments, SET lines, the search_path reset and the \restrict guard
    # (a random key per dump, in newer pg_dump) go; the DDL stays as pg_dump orders it (by type, then name: stable across runs).
    "$pgbin/pg_dump" -h 127.0.0.1 -p "$port" -U postgres --schema-only --no-owner --no-privileges \
        --no-comments authz_schema \
        | grep -vE '^(--$|-- (Name|TOC entry|Data for Name|Dependencies|PostgreSQL database dump|Dumped (from|by)|Started on|Completed on)|SET |SELECT pg_catalog\.set_config|\\(un)?restrict )' \
        | cat -s | sed -e '1{/^$/d}' >"$work/schema.sql"
    {
        echo "--! migrations recorded in schema_migrations (version name sha256):"
        "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -d authz_schema -AtF ' ' \
            -c "SELECT version, name, checksum FROM schema_migrations ORDER BY version" | sed 's/^/--! migration /'
        echo
        cat "$work/schema.sql"
    } >"$work/dump.sql"
    dump=$work/dump.sql
fi
[[ -n $save_dump ]] && cp "$dump" "$save_dump"

# ---------------------------------------------------------------- compare
applied=$(sed -n 's/^--! migration //p' "$dump")
sources=$(source_checksums "$migrations")
recorded=$( [[ -f $snapshot ]] && sed -n 's/^--! migration //p' "$snapshot" || true)
if grep -q '^bad-name' <<<"$sources"; then fail "$(rel "$migrations"): not named NNNN_name.sql: $(grep '^bad-name' <<<"$sources" | cut -d' ' -f2 | tr '\n' ' ')"; fi

# The build must have embedded exactly the migration files of the source tree.
if [[ "$applied" != "$(grep -v '^bad-name' <<<"$sources")" ]]; then
    fail "the migrations the build applied differ from the files in $(rel "$migrations") (a stale build?):"
    diff <(echo "$applied") <(grep -v '^bad-name' <<<"$sources") | sed 's/^/migrations:   /' || true
fi

if [[ $update -eq 1 ]]; then
    while read -r version name sum; do
        [[ -z $version ]] && continue
        old=$(awk -v v="$version" '$1 == v {print $3}' <<<"$recorded")
        if [[ -n $old && $old != "$sum" && ${AUTHZ_ALLOW_EDITED_MIGRATION:-} != 1 ]]; then
            fail "migration $(printf %04d "$version")_$name.sql was edited after it was recorded (sha256 $old in the snapshot, $sum now); released migrations are never edited: add a new one (AUTHZ_ALLOW_EDITED_MIGRATION=1 to overwrite a migration that was never released)"
        fi
    done <<<"$applied"
    [[ $failed -eq 0 ]] || exit 1
    {
        echo "--! The schema that applying every migration to an empty PostgreSQL builds, normalised"
        echo "--! (scripts/gates/migrations.sh; pg_dump --schema-only). Generated: regenerate with"
        echo "--! \`make schema-snapshot\` after adding a migration. CI fails when the migrations no longer"
        echo "--! build exactly this, or when a recorded migration's checksum changes."
        cat "$dump"
    } >"$snapshot"
    echo "migrations: wrote $(rel "$snapshot")"
    exit 0
fi

[[ -f $snapshot ]] || { echo "migrations: FAIL $(rel "$snapshot") is missing: make schema-snapshot"; exit 1; }
while read -r version name sum; do
    [[ -z $version ]] && continue
    file="$(printf %04d "$version")_$name.sql"
    now=$(awk -v v="$version" '$1 == v {print $3}' <<<"$sources")
    if [[ -z $now ]]; then
        fail "migration $file is in the snapshot but not in $(rel "$migrations"): a released migration was removed or renamed"
    elif [[ $now != "$sum" ]]; then
        fail "migration $file was edited after it was recorded (sha256 $sum in the snapshot, $now now): released migrations are never edited; add a new migration instead"
    fi
done <<<"$recorded"
while read -r version name sum; do
    [[ -z $version || $version == bad-name ]] && continue
    if ! awk -v v="$version" '$1 == v {found=1} END {exit !found}' <<<"$recorded"; then
        fail "migration $(printf %04d "$version")_$name.sql is not in the snapshot: run \`make schema-snapshot\` and commit $(rel "$snapshot")"
    fi
done <<<"$sources"
if ! diff -u <(grep -v '^--!' "$snapshot") <(grep -v '^--!' "$dump") >"$work/schema.diff"; then
    fail "the schema the migrations build differs from $(rel "$snapshot") (- snapshot, + migrations):"
    sed -n '3,80p' "$work/schema.diff" | sed 's/^/migrations:   /'
fi
if [[ $failed -eq 0 ]]; then
    echo "migrations: ok: $(grep -c . <<<"$recorded") migrations, schema identical to $(rel "$snapshot")"
fi
exit $failed
