#!/usr/bin/env bash
# Messages/s from alice on node A to bob on node B listening live on B's event-bus bridge, and latency
# from alice's POST to bob's live event (p50/p99). Both nodes (SQLite), clients and socket in one JVM.
# Usage: bench/messaging.sh [messages] [in-flight]   (2000 16)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openred.bench.MessagingBench "$@" 2>&1 \
  | grep -v -E '^[0-9:.]+ +(INFO|WARN)'
