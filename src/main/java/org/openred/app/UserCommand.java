package org.openred.app;

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
 * {@code openred user add [--admin] NAME} (the password is asked on the console, or read as the first
 * line of standard input), {@code openred user admin NAME on|off} and {@code openred user list}, on
 * the node's database directly: for operators, with the node running or not.
 */
final class UserCommand {
  private UserCommand() {
  }

  static int run(List<String> given, OpenRedConfig config, InputStream in, PrintStream out) throws Exception {
    List<String> words = new java.util.ArrayList<>(given);
    boolean admin = words.remove("--admin");
    String action = words.isEmpty() ? "" : words.get(0);
    if (!List.of("add", "list", "admin").contains(action)) {
      throw new ConfigException("user: say 'user add NAME' (with --admin for an admin), 'user admin NAME on|off' or 'user list'");
    }
    if (action.equals("add") && words.size() != 2 || action.equals("list") && words.size() != 1
        || action.equals("admin") && (words.size() != 3 || !List.of("on", "off").contains(words.get(2)))) {
      throw new ConfigException(switch (action) {
        case "add" -> "user add takes one NAME";
        case "admin" -> "user admin takes NAME and on or off";
        default -> "user list takes no argument";
      });
    }
    if (admin && !action.equals("add")) {
      throw new ConfigException("--admin goes with user add");
    }
    String username = null;
    String password = null;
    if (!action.equals("list")) {
      username = UserStore.username(words.get(1));
      if (username == null) {
        throw new ConfigException("user " + action + ": '" + words.get(1) + "' is not a username (a-z, 0-9, '.', '_', '-', at most 64)");
      }
    }
    if (action.equals("add")) {
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
        Migrations.migrate(database, Modules.migrations(Modules.running(config))).await(60, TimeUnit.SECONDS);
        if (action.equals("list")) {
          for (JsonObject user : UserStore.list(database.pool()).await(30, TimeUnit.SECONDS)) {
            out.printf("%s@%s\tcreated %s\t%s%s%n", user.getString("username"), config.domain(), user.getString("created_at"),
                user.getBoolean("keys_published") ? "keys published" : "no keys yet", user.getBoolean("admin") ? "\tadmin" : "");
          }
          return 0;
        }
        if (action.equals("admin")) {
          if (!UserStore.setAdmin(database.pool(), username, words.get(2).equals("on")).await(30, TimeUnit.SECONDS)) {
            throw new ConfigException("user admin: no user " + username);
          }
          // Tokens say who is an admin: the change holds from the user's next login or refresh (15 minutes at most).
          out.println(username + "@" + config.domain() + (words.get(2).equals("on") ? " is an admin" : " is no longer an admin")
              + " from their next sign-in or token refresh");
          return 0;
        }
        String hash = new PasswordHasher().hash(password);
        if (!UserStore.create(database.pool(), username, hash, admin).await(30, TimeUnit.SECONDS)) {
          throw new ConfigException("user add: the username " + username + " is taken");
        }
        out.println("created " + username + "@" + config.domain() + (admin ? ", an admin" : ""));
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
