package org.openred.cli;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.openred.accounts.PasswordHasher;
import org.openred.accounts.UserStore;
import org.openred.config.ConfigException;
import org.openred.config.OpenRedConfig;
import org.openred.store.Database;
import org.openred.store.Migrations;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openred user add NAME} (the password is asked on the console, or read as the first line of
 * standard input) and {@code openred user list}, on the node's database directly: for operators,
 * with the node running or not.
 */
final class UserCommand {
  private UserCommand() {
  }

  static int run(List<String> words, OpenRedConfig config, InputStream in, PrintStream out) throws Exception {
    String action = words.isEmpty() ? "" : words.get(0);
    if (!action.equals("add") && !action.equals("list")) {
      throw new ConfigException("user: say 'user add NAME' or 'user list'");
    }
    if (action.equals("add") && words.size() != 2 || action.equals("list") && words.size() != 1) {
      throw new ConfigException(action.equals("add") ? "user add takes one NAME" : "user list takes no argument");
    }
    String username = null;
    String password = null;
    if (action.equals("add")) {
      username = UserStore.username(words.get(1));
      if (username == null) {
        throw new ConfigException("user add: '" + words.get(1) + "' is not a username (a-z, 0-9, '.', '_', '-', at most 64)");
      }
      password = readPassword(in);
      String weak = UserStore.passwordProblem(password);
      if (weak != null) {
        throw new ConfigException("user add: " + weak);
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      Database database = Database.open(vertx, config.storage()).await(30, TimeUnit.SECONDS);
      try {
        Migrations.migrate(database).await(60, TimeUnit.SECONDS);
        if (action.equals("list")) {
          for (JsonObject user : UserStore.list(database.pool()).await(30, TimeUnit.SECONDS)) {
            out.printf("%s@%s\tcreated %s\t%s%n", user.getString("username"), config.domain(), user.getString("created_at"),
                user.getBoolean("keys_published") ? "keys published" : "no keys yet");
          }
          return 0;
        }
        String hash = new PasswordHasher().hash(password);
        if (!UserStore.create(database.pool(), username, hash).await(30, TimeUnit.SECONDS)) {
          throw new ConfigException("user add: the username " + username + " is taken");
        }
        out.println("created " + username + "@" + config.domain());
        return 0;
      } finally {
        database.close().await(10, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static String readPassword(InputStream in) throws IOException {
    Console console = System.console();
    if (console != null && in == System.in) {
      char[] first = console.readPassword("Password: ");
      char[] second = console.readPassword("Again: ");
      if (first == null || second == null || !String.valueOf(first).equals(String.valueOf(second))) {
        throw new ConfigException("user add: the two passwords differ");
      }
      return String.valueOf(first);
    }
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    if (line == null) {
      throw new ConfigException("user add: give the password on standard input");
    }
    return line;
  }
}
