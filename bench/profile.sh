#!/usr/bin/env bash
# Where the CPU goes while node A sends to node B (FederationBench): async-profiler 4.2 (from Maven
# Central, sampling by interval timer, no perf events needed) over the whole run, its samples
# grouped by what they are doing, and the cores the process used (user + system over wall time).
# Usage: bench/profile.sh [burst-envelopes]   (100000; the warm-up is -Dbench.warmup in BENCH_JAVA_OPTS)
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.2
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
mvn -q -B dependency:get -Dartifact=tools.profiler:async-profiler:$version -Dtransitive=false
work=target/profile
mkdir -p "$work"
unzip -o -q "$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar" 'linux-x64/*' -d "$work"
/usr/bin/time -f 'cpu: %U s user + %S s system over %e s wall' \
  java -agentpath:"$work/linux-x64/libasyncProfiler.so=start,event=itimer,interval=1ms,file=$work/samples.collapsed,collapsed" \
    -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    org.openred.bench.FederationBench "${1:-100000}" 1000 1 2>&1 | grep -E '^(machine|A->B|cpu)'
python3 - "$work/samples.collapsed" <<'PY'
import collections, sys
kinds = collections.Counter()
total = 0
for line in open(sys.argv[1]):
    stack, _, count = line.rstrip().rpartition(' ')
    count = int(count)
    total += count
    if 'CompileBroker' in stack or 'C2Compiler' in stack or 'C1Compiler' in stack:
        kind = 'JIT compiler threads'
    elif 'bouncycastle' in stack:
        kind = 'Ed25519 (BouncyCastle)'
    elif 'sqlite' in stack:
        kind = 'SQLite (native and JDBC)'
    elif 'jackson' in stack or 'JsonObject' in stack or 'JsonArray' in stack or 'StrictJson' in stack or 'Jcs' in stack:
        kind = 'JSON and JCS'
    elif 'G1' in stack or 'GC Thread' in stack or 'VM Thread' in stack:
        kind = 'GC and VM'
    else:
        kind = 'the rest: HTTP, event bus, our code'
    kinds[kind] += count
for kind, count in kinds.most_common():
    print(f'{100 * count / total:5.1f}%  {kind}')
PY
