#!/usr/bin/env bash
# The social module under load, every node in one JVM over loopback, SQLite: a public post fanned
# out to 1,000 followers on 10 nodes (until every node committed it), and feed pages of 50 for a user
# following 1,000 users with 100,000 posts, local, then on another node fetched on demand.
# Usage: bench/social.sh [nodes] [followers-per-node] [followed-users] [posts-each]   (10 100 1000 100)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openred.bench.SocialBench "$@" 2>&1 \
  | grep -v -E '^[0-9:.]+ +(INFO|WARN)'
