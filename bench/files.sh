#!/usr/bin/env bash
# Files through a node on loopback: upload and download MB/s of one file beside `cat` of the same file
# to disk in the same run (this machine's own limit), and the node's peak resident memory (VmHWM)
# after each. The node runs alone in its own JVM (the jar, default settings), SQLite in a temp dir.
# Usage: bench/files.sh [MiB]   (default 256; 1024 checks the RSS goal on a 1 GiB upload); BENCH_JAVA_OPTS for the
#        node's JVM (the README's small-node settings, say).
# Browser-side chunk encryption speed is not measured here yet (the app's file screens come later).
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-256}
jar=target/openred.jar
[ -f "$jar" ] || mvn -q -B package -DskipTests
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

head -c $((mib * 1024 * 1024)) /dev/urandom > "$work/file.bin"
sync
seconds() { python3 -c 'import sys,time; print(time.time())'; }
rate() { python3 -c "print(f'{$mib / ($2 - $1):.0f} MB/s')"; }

t0=$(seconds); cat "$work/file.bin" > "$work/copy.bin"; sync; t1=$(seconds)
disk=$(rate "$t0" "$t1")
rm -f "$work/copy.bin"

echo 'a long enough password' | java -jar "$jar" user add bencher --data "$work/node" >/dev/null
java ${BENCH_JAVA_OPTS:-} -jar "$jar" node --data "$work/node" --http-host 127.0.0.1 --http-port "$port" --log-level warn \
  --set "files.max-file-mb=$((mib + 1)),files.quota-mb=$((mib * 2 + 2))" >"$work/node.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null; do sleep 0.1; done
token=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bencher","password":"a long enough password"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
hwm() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$pid/status"; }
rss() { awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$pid/status"; }
idle=$(rss)

t0=$(seconds)
answer=$(curl -sf -X POST -T "$work/file.bin" -H "Authorization: Bearer $token" -H "Upload-Length: $((mib * 1024 * 1024))" \
  -H 'X-Encrypted-Name: YmVuY2g' "http://127.0.0.1:$port/api/v1/files")
t1=$(seconds)
up=$(rate "$t0" "$t1")
after_up=$(hwm)
id=$(echo "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["fileId"])')

t0=$(seconds)
curl -sf -H "Authorization: Bearer $token" -o "$work/back.bin" "http://127.0.0.1:$port/api/v1/files/$id"
t1=$(seconds)
down=$(rate "$t0" "$t1")
after_down=$(hwm)
cmp -s "$work/file.bin" "$work/back.bin" || { echo "the file came back different" >&2; exit 1; }

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); one ${mib} MiB file, loopback, the node alone in its JVM"
echo "cat to disk: $disk; upload through the node: $up; download: $down (to disk both ways)"
echo "node resident memory: idle $idle, peak after upload $after_up, peak after download $after_down"
