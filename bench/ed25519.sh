#!/usr/bin/env bash
# Cost of one Ed25519 signature and one verification on this machine (BouncyCastle, as the node uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openred.bench.Ed25519Bench
