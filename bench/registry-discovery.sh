#!/usr/bin/env bash
# Discovery by domain over HTTP with 100,000 registered nodes in PostgreSQL: p50/p99 latency and
# requests/s, without and with Redis in front. Load from wrk (Debian package) on this same machine.
# Usage: bench/registry-discovery.sh [seconds] [connections]   (defaults 20 s, 32 connections)
# JVM options of the registry: BENCH_JAVA_OPTS (default -Xmx512m).
# Needs PostgreSQL on 127.0.0.1:5432 (database test) and Redis on 127.0.0.1:6379, as the tests do.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-32}
nodes=100000
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[ -f target/openred.jar ] || mvn -q -B package -DskipTests
schema=bench_registry
pg="postgresql://postgres@127.0.0.1:5432/test?search_path=$schema"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_registry() { # extra options...
  java ${BENCH_JAVA_OPTS:--Xmx512m} -jar target/openred.jar registry --data "$work/data" --http-host 127.0.0.1 --http-port "$port" \
    --domain "127.0.0.1:$port" --db "$pg" --log-level warn "$@" >"$work/registry.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/health"; do sleep 0.1; done
}
stop_registry() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

psql -q -X -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
start_registry # migrates the schema
stop_registry
psql -q -X -h 127.0.0.1 -U postgres -d test -c "
  INSERT INTO $schema.registry_nodes (node_id, domain, api_url, sig_key, dh_key, registered_at, updated_at, last_seen)
  SELECT md5(i::text), 'n' || i || '.bench.test', 'https://n' || i || '.bench.test',
         encode(sha256(int8send(i)), 'base64'), encode(sha256(int8send(-i)), 'base64'),
         '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', to_char(now() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
  FROM generate_series(1, $nodes) AS i; ANALYZE $schema.registry_nodes;"

cat >"$work/random-domain.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/nodes/discover?domain=n" .. math.random(1, $nodes) .. ".bench.test")
end
LUA

run() { # label
  curl -sf "http://127.0.0.1:$port/api/v1/nodes/discover?domain=n1.bench.test" | grep -q n1.bench.test
  wrk -t2 -c8 -d5s -s "$work/random-domain.lua" "http://127.0.0.1:$port" >/dev/null # warm-up
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/random-domain.lua" "http://127.0.0.1:$port" >"$work/wrk.txt"
  local p50 p99 rps errors
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  errors=$(grep -E "Non-2xx|Socket errors" "$work/wrk.txt" || true)
  printf '%-16s %10s req/s   p50 %8s   p99 %8s   %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-no errors}"
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); $nodes nodes in PostgreSQL; wrk -t2 -c$connections -d${seconds}s, random domains"
start_registry
run "PostgreSQL only"
stop_registry
redis-cli -h 127.0.0.1 --scan --pattern 'openred:discover:*' | xargs -r redis-cli -h 127.0.0.1 del >/dev/null
start_registry --redis redis://127.0.0.1:6379
run "with Redis"
stop_registry
psql -q -X -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $schema CASCADE"
