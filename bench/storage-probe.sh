#!/usr/bin/env bash
# Round-trip cost of the SQLite pool as OpenRed uses it (vertx-jdbc-client over sqlite-jdbc, WAL):
# a transaction of 15 batched inserts, and SELECT 1. Compare with a plain SQLite commit on this disk.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openred.bench.SqliteProbe 2>&1 | grep -v -E '^[0-9:.]+ +(INFO|WARN)'
