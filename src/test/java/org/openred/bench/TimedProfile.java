package org.openred.bench;

/**
 * Profiles only a benchmark's timed part when bench/profile.sh loads async-profiler
 * ({@code -Dbench.profile=<collapsed output file>}): warm-up and set-up stay out of the samples.
 * Reflective, so the benchmarks need no profiler on their classpath otherwise.
 */
final class TimedProfile implements AutoCloseable {
  private final Object profiler;
  private final String file;

  private TimedProfile(Object profiler, String file) {
    this.profiler = profiler;
    this.file = file;
  }

  static TimedProfile start() {
    String file = System.getProperty("bench.profile");
    if (file == null) {
      return new TimedProfile(null, null);
    }
    try {
      Object profiler = Class.forName("one.profiler.AsyncProfiler").getMethod("getInstance").invoke(null);
      execute(profiler, "start,event=itimer,interval=1ms,threads");
      return new TimedProfile(profiler, file);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("bench.profile is set but async-profiler is not loaded", e);
    }
  }

  @Override
  public void close() {
    if (profiler != null) {
      try {
        execute(profiler, "stop,collapsed,threads,file=" + file);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("async-profiler did not stop", e);
      }
    }
  }

  private static void execute(Object profiler, String command) throws ReflectiveOperationException {
    profiler.getClass().getMethod("execute", String.class).invoke(profiler, command);
  }
}
