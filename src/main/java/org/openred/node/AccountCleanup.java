package org.openred.node;

import io.vertx.core.Future;
import org.openred.kernel.UserId;

/**
 * What a module does when a user of this node deletes their account: its data about them removed,
 * and the other nodes told where the module's protocol says so. Run before the account itself goes,
 * and again from the start if any module failed, so each one must be idempotent.
 */
public interface AccountCleanup {
  /** The module's name, for the log when it fails. */
  String module();

  Future<Void> deleteUser(UserId user);

  /** A cleanup that is one function of the user. */
  static AccountCleanup of(String module, java.util.function.Function<UserId, Future<Void>> delete) {
    return new AccountCleanup() {
      @Override
      public String module() {
        return module;
      }

      @Override
      public Future<Void> deleteUser(UserId user) {
        return delete.apply(user);
      }
    };
  }
}
