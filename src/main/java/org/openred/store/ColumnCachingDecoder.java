package org.openred.store;

import io.vertx.jdbcclient.impl.actions.JDBCColumnDescriptor;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;

import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * vertx-jdbc-client's decoder, describing each column once per result set instead of once per cell.
 * The stock decoder asks the result set's metadata again for every value it reads (and tries a
 * Class.forName that fails, for SQLite's type names): several percent of a busy node's CPU in
 * bench/profile.sh.
 * A column whose first value reported no type (SQLite types expressions by their value) is described
 * again at every row, as before. Registered for the JDBC pool through META-INF/services.
 */
public final class ColumnCachingDecoder extends JDBCDecoderImpl {
  /** The result set being decoded on this thread: the client reads one result set, row by row, per task. */
  private static final ThreadLocal<Columns> CURRENT = ThreadLocal.withInitial(Columns::new);

  private static final class Columns {
    JDBCColumnDescriptorProvider provider;
    JDBCColumnDescriptor[] descriptors = new JDBCColumnDescriptor[16];
  }

  @Override
  public Object parse(ResultSet rs, int pos, JDBCColumnDescriptorProvider provider) throws SQLException {
    Columns columns = CURRENT.get();
    if (columns.provider != provider) {
      columns.provider = provider;
      Arrays.fill(columns.descriptors, null);
    }
    if (pos >= columns.descriptors.length) {
      columns.descriptors = Arrays.copyOf(columns.descriptors, pos * 2);
    }
    JDBCColumnDescriptor descriptor = columns.descriptors[pos];
    if (descriptor == null) {
      descriptor = provider.apply(pos);
      if (descriptor.jdbcType() != JDBCType.NULL && descriptor.jdbcType() != JDBCType.OTHER) {
        columns.descriptors[pos] = descriptor;
      }
    }
    return decode(descriptor, type -> type == null ? rs.getObject(pos) : rs.getObject(pos, type));
  }
}
