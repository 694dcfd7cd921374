#!/usr/bin/env bash
# Federation throughput and latency: node A sends signed direct_message envelopes to node B over
# loopback, both nodes and the load in one JVM, SQLite on both sides.
# Then node B's ingest alone: individually signed requests, signed beforehand, fired at B (64 in flight).
# Each part warms up first (the JIT needs 80,000 to 100,000 messages on two cores to settle), then times.
# BENCH_JAVA_OPTS go to both: -Dbench.db=postgresql for the ingest's node B (default SQLite),
# -Dbench.warmup=N for the messages sent before timing (A->B 100000, ingest 80000).
# Usage: bench/federation.sh [burst-envelopes] [steady-rate-per-second] [steady-seconds] [ingest-requests]   (20000 5000 10 30000)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openred.bench.FederationBench "$@" 2>&1 \
  | grep -v -E '^[0-9:.]+ +(INFO|WARN)'
java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openred.bench.IngestBench "${4:-30000}" 64 2>&1 \
  | grep -v -E '^[0-9:.]+ +(INFO|WARN)'
