package org.openred.testing;

import org.openred.config.StorageConfig;

import java.nio.file.Path;
import java.util.stream.Stream;

/** The two storage engines every repository test runs on: a fresh SQLite file and a fresh PostgreSQL schema. */
public enum StorageEngines {
  SQLITE, POSTGRESQL;

  /** Parameter source for {@code @MethodSource("org.openred.testing.StorageEngines#both")}. */
  public static Stream<StorageEngines> both() {
    return Stream.of(values());
  }

  /** A new, empty store of this engine; {@link #drop} removes it. */
  public StorageConfig create(Path dir) {
    return this == SQLITE
        ? StorageConfig.sqlite(dir.resolve("test-" + System.nanoTime() + ".db"))
        : StorageConfig.postgresql(TestNodes.createPostgresSchema());
  }

  /** The --db value selecting a new, empty store of this engine. */
  public String dbFlag(Path dir) {
    StorageConfig config = create(dir);
    return this == SQLITE ? "sqlite:" + config.sqliteFile() : config.postgresUri();
  }

  public static void drop(StorageConfig config) {
    if (config != null && config.engine() == StorageConfig.Engine.POSTGRESQL) {
      TestNodes.dropPostgresSchema(config.postgresUri());
    }
  }

  public static void dropFlag(String dbFlag) {
    if (dbFlag != null && dbFlag.startsWith("postgresql://")) {
      TestNodes.dropPostgresSchema(dbFlag);
    }
  }
}
