#!/usr/bin/env bash
# Cold start to the first 200 from /api/v1/health, and resident memory (RSS) of an idle `all` node.
# Usage: bench/startup.sh [runs]   (default 7). Builds target/openred.jar if missing.
# Prints the median of each figure for the default JVM settings and for the README's recommended ones.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
jar=target/openred.jar
[ -f "$jar" ] || mvn -q -B package -DskipTests
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The README's settings for a small node: serial GC, small heap, C1 only; then the same with a class-data archive.
cds="$work/openred.jsa"
small="-XX:+UseSerialGC -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m"
recommended="$small -XX:SharedArchiveFile=$cds"
# Make the archive once: run the node, let it serve, stop it (the JVM writes the archive at exit).
java -XX:ArchiveClassesAtExit="$cds" -XX:+UseSerialGC -jar "$jar" --data "$work/cds" --http-host 127.0.0.1 --http-port "$port" >/dev/null 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null; do sleep 0.05; done
curl -sf "http://127.0.0.1:$port/" >/dev/null
kill $pid; wait $pid 2>/dev/null || true

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

measure() { # $1 label, $2 JVM options, $3 fresh|restart
  local starts=() rss=()
  for i in $(seq "$runs"); do
    local data="$work/data-$3"
    [ "$3" = fresh ] && rm -rf "$data"
    local t0 t1
    t0=$(date +%s%N)
    java $2 -jar "$jar" --data "$data" --http-host 127.0.0.1 --http-port "$port" >/dev/null 2>&1 &
    local pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/health"; do sleep 0.01; done
    t1=$(date +%s%N)
    starts+=($(( (t1 - t0) / 1000000 )))
    sleep 5 # idle
    rss+=($(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status))
    kill $pid; wait $pid 2>/dev/null || true
  done
  printf '%-34s start median %5s ms (min %s, max %s)   idle RSS median %4s MB\n' "$1" \
    "$(printf '%s\n' "${starts[@]}" | median)" "$(printf '%s\n' "${starts[@]}" | sort -n | head -1)" \
    "$(printf '%s\n' "${starts[@]}" | sort -n | tail -1)" "$(printf '%s\n' "${rss[@]}" | median)"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1); $runs runs each"
measure "default JVM, restart"            ""              restart
measure "small-node flags, no archive"      "$small"        restart
measure "recommended JVM, first start"     "$recommended"  fresh
measure "recommended JVM, restart"         "$recommended"  restart
