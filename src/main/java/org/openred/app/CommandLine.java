package org.openred.app;

import org.openred.config.ConfigException;
import org.openred.config.Option;
import org.openred.config.Role;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What was typed: a command, its options by {@link Option}, and the words after the command. */
record CommandLine(String command, Map<Option, String> options, List<String> words, boolean help, boolean version) {

  static final List<String> SERVER_COMMANDS = List.of("all", "registry", "node", "demo");
  static final List<String> COMMANDS = List.of("all", "registry", "node", "demo", "keygen", "user");

  Role role() {
    return Role.valueOf(command.toUpperCase(Locale.ROOT));
  }

  static CommandLine parse(String[] args) {
    String command = null;
    Map<Option, String> options = new LinkedHashMap<>();
    List<String> words = new ArrayList<>();
    boolean help = false;
    boolean version = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
      } else if (arg.equals("--version")) {
        version = true;
      } else if (arg.equals("--admin") && "user".equals(command)) {
        words.add(arg);
      } else if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        String name = arg.substring(2, eq < 0 ? arg.length() : eq);
        Option option = Option.byName(name);
        if (option == null || option.secret()) {
          throw new ConfigException("unknown option --" + name + " (see --help)");
        }
        String value;
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (option.isFlag()) {
          value = "true";
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          value = args[++i];
        } else {
          throw new ConfigException(option.flagName() + " needs a value: " + option.flagName() + " " + option.valueHint());
        }
        if (options.put(option, value) != null) {
          throw new ConfigException(option.flagName() + " is given twice");
        }
      } else if (command == null) {
        if (!COMMANDS.contains(arg)) {
          throw new ConfigException("unknown command '" + arg + "': use one of " + String.join(", ", COMMANDS) + " (see --help)");
        }
        command = arg;
      } else {
        words.add(arg);
      }
    }
    if (command != null && SERVER_COMMANDS.contains(command) && !words.isEmpty()) {
      throw new ConfigException("unexpected argument '" + words.get(0) + "' (options start with --)");
    }
    return new CommandLine(command == null ? "all" : command, options, words, help, version);
  }

  static String usage() {
    StringBuilder out = new StringBuilder();
    out.append("""
        Usage: java -jar openred.jar [all|registry|node|demo] [options]
               java -jar openred.jar user add [--admin] NAME | user admin NAME on|off | user list   [--data DIR] [--db URL]
               java -jar openred.jar keygen

        Commands:
          all        registry and node in one process (default)
          registry   the central directory of nodes only
          node       a node: users, federation, the web app
          demo       a registry and two nodes (a.localhost, b.localhost) on three ports from --http-port
          user       add a user (password from the console or standard input), make one an admin, or list them
          keygen     print a new secret for OPENRED_MASTER_KEY

        Options (each also read from OPENRED_<NAME> and from the --config file; flag wins, then
        environment, then file, then default):
        """);
    for (Option option : Option.ALL) {
      String left = option.secret() ? option.envName() + "=" + option.valueHint()
          : option.flagName() + (option.isFlag() ? "" : " " + option.valueHint());
      out.append(String.format("  %-30s %s (default: %s)%n", left, option.help(), option.defaultText()));
    }
    out.append("  --help                         this text\n  --version                      print the version\n");
    return out.toString();
  }
}
