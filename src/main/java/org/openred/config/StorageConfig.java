package org.openred.config;

import java.nio.file.Path;

/** Where a node keeps its rows: an SQLite file (the embedded default) or a PostgreSQL database. */
public record StorageConfig(Engine engine, Path sqliteFile, String postgresUri) {
  public enum Engine { SQLITE, POSTGRESQL }

  public static StorageConfig sqlite(Path file) {
    return new StorageConfig(Engine.SQLITE, file, null);
  }

  public static StorageConfig postgresql(String uri) {
    return new StorageConfig(Engine.POSTGRESQL, null, uri);
  }

  /** For logs: the PostgreSQL URI without its password. */
  public String describe() {
    if (engine == Engine.SQLITE) {
      return "sqlite:" + sqliteFile;
    }
    return postgresUri.replaceAll("://([^:@/]+):[^@/]*@", "://$1:***@");
  }
}
