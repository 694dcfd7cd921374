#!/usr/bin/env bash
# Round-trip cost of the SQLite pool as OpenRed uses it (vertx-jdbc-client over sqlite-jdbc, WAL):
# a transaction of 15 batched inserts, and SELECT 1. Compare with a plain SQLite commit on this disk.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openred.bench.SqliteProbe 2>&1 | grep -v -E '^[0-9:.]+ +(INFO|WARN)'
# The same disk without the JDBC client: Python's sqlite3, WAL, synchronous=NORMAL, 10-row transactions.
python3 - <<'PY'
import os, sqlite3, tempfile, time
path = os.path.join(tempfile.mkdtemp(), "plain.db")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE t (a TEXT PRIMARY KEY, b TEXT)")
start, n = time.time(), 500
for i in range(n):
    db.execute("BEGIN")
    for j in range(10):
        db.execute("INSERT INTO t VALUES (?, ?)", (f"{i}-{j}", "x" * 600))
    db.execute("COMMIT")
print(f"plain sqlite3 (Python), transaction of 10 inserts: {(time.time() - start) * 1000 / n:.2f} ms each")
PY
