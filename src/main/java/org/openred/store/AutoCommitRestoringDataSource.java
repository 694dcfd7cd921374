package org.openred.store;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * vertx-jdbc-client 5.0.10 turns autocommit off on BEGIN and, after COMMIT or ROLLBACK, turns it
 * off again instead of back on; a pooled connection is reused as it is, so every plain write after
 * the first transaction would sit in an open transaction and be lost on close. This data source
 * hands out connections that return to autocommit as soon as a transaction ends.
 */
final class AutoCommitRestoringDataSource implements DataSource {
  private final DataSource delegate;

  AutoCommitRestoringDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return restoring(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return restoring(delegate.getConnection(username, password));
  }

  private static Connection restoring(Connection connection) {
    boolean[] transactionJustEnded = {false};
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          String name = method.getName();
          boolean noArgs = args == null || args.length == 0;
          try {
            if (name.equals("setAutoCommit") && transactionJustEnded[0]) {
              // The client's "setAutoCommit(false)" right after COMMIT or ROLLBACK: end in autocommit instead.
              transactionJustEnded[0] = false;
              connection.setAutoCommit(true);
              return null;
            }
            Object result = method.invoke(connection, args);
            transactionJustEnded[0] = (name.equals("commit") || name.equals("rollback")) && noArgs;
            return result;
          } catch (InvocationTargetException e) {
            transactionJustEnded[0] = (name.equals("commit") || name.equals("rollback")) && noArgs;
            throw e.getCause();
          }
        });
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return delegate.isWrapperFor(type);
  }
}
