package org.openred.store;

import io.vertx.pgclient.PgException;
import org.openred.config.StartupFailure;

import java.net.ConnectException;

/** Storage that cannot be opened or migrated: start-up stops with this message, without a stack trace. */
public final class StorageException extends StartupFailure {
  public StorageException(String message) {
    super(message);
  }

  /** One readable line for a database failure: SQL state and message, never the stack. */
  public static String reason(Throwable failure) {
    if (failure instanceof PgException pg) {
      return pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")";
    }
    if (failure instanceof ConnectException || failure.getCause() instanceof ConnectException) {
      return "connection refused";
    }
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }
}
