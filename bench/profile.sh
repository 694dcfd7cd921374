#!/usr/bin/env bash
# Where the CPU goes in a benchmark's timed part (after its warm-up): async-profiler 4.2 (from Maven
# Central, sampling by interval timer, no perf events needed), its samples grouped by what they are
# doing, then the threads that took them.
# Usage: bench/profile.sh [federation|ingest]   (federation: A->B as fast as A can queue, 40000 envelopes;
#        ingest: B's ingest alone, 30000 requests). BENCH_JAVA_OPTS as for bench/federation.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.2
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
mvn -q -B dependency:get -Dartifact=tools.profiler:async-profiler:$version -Dtransitive=false
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
work=target/profile
mkdir -p "$work"
unzip -o -q "$jar" 'linux-x64/*' -d "$work"
case "${1:-federation}" in
  federation) main=(org.openred.bench.FederationBench 40000 1000 1) ;;
  ingest) main=(org.openred.bench.IngestBench 30000 64) ;;
  *) echo "usage: bench/profile.sh [federation|ingest]" >&2; exit 2 ;;
esac
java -agentpath:"$PWD/$work/linux-x64/libasyncProfiler.so" -Dbench.profile="$work/samples.collapsed" \
  -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath):$jar" \
  "${main[@]}" 2>&1 | grep -E '^(machine|A->B as fast|B ingest)'
python3 - "$work/samples.collapsed" <<'PY'
import collections, re, sys
kinds, threads = collections.Counter(), collections.Counter()
total = 0
for line in open(sys.argv[1]):
    stack, _, count = line.rstrip().rpartition(' ')
    count = int(count)
    total += count
    threads[re.sub(r'[-#]?\d+', '', re.sub(r' ?tid=\d+', '', stack.split(';')[0]))] += count
    if 'CompileBroker' in stack or 'C2Compiler' in stack or 'C1Compiler' in stack:
        kind = 'JIT compiler threads'
    elif 'Ed25519Batch' in stack or 'Ed25519.verify' in stack or 'Ed25519PublicKeyParameters.verify' in stack:
        kind = 'Ed25519 verification'
    elif 'bouncycastle' in stack:
        kind = 'Ed25519 signing'
    elif 'sqlite' in stack or 'jdbcclient' in stack:
        kind = 'SQLite and the JDBC client'
    elif 'jackson' in stack or 'JsonObject' in stack or 'JsonArray' in stack or 'StrictJson' in stack or 'Jcs' in stack:
        kind = 'JSON and JCS'
    elif 'G1' in stack or 'GC Thread' in stack or 'VM Thread' in stack:
        kind = 'GC and VM'
    else:
        kind = 'the rest: HTTP, event bus, our code'
    kinds[kind] += count
for kind, count in kinds.most_common():
    print(f'{100 * count / total:5.1f}%  {kind}')
print('by thread:', ', '.join(f'{name.strip("[] ")} {100 * count / total:.0f}%' for name, count in threads.most_common(6)))
PY
