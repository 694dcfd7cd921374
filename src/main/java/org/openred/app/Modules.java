package org.openred.app;

import org.openred.accounts.AccountsModule;
import org.openred.config.ConfigException;
import org.openred.config.Option;
import org.openred.config.OpenRedConfig;
import org.openred.files.FilesModule;
import org.openred.messaging.MessagingModule;
import org.openred.notifications.NotificationsModule;
import org.openred.node.OpenRedModule;
import org.openred.node.Setting;
import org.openred.registry.RegistryModule;
import org.openred.social.SocialModule;
import org.openred.sync.SyncModule;
import org.openred.store.Migrations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which modules a process runs, in order: the built-ins (accounts first: the others check its
 * tokens), then the plugins found, less those {@code --modules} leaves out and those its role does
 * not run; and each one's settings, checked once like every other option.
 */
public final class Modules {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /** A module and whether it came from a plugin jar (only those can be disabled while the node runs). */
  record Found(OpenRedModule module, boolean plugin) {
  }

  private Modules() {
  }

  public static List<OpenRedModule> builtIn() {
    return List.of(new AccountsModule(), new MessagingModule(), new SocialModule(), new SyncModule(), new NotificationsModule(), new FilesModule(), new RegistryModule());
  }

  /** The built-ins and the plugins of {@code --plugins}. */
  static List<Found> discover(OpenRedConfig config) {
    List<Found> found = new ArrayList<>();
    builtIn().forEach(module -> found.add(new Found(module, false)));
    Plugins.load(config.pluginsDir()).forEach(module -> found.add(new Found(module, true)));
    return found;
  }

  /** The modules this process runs, in order; a bad name, a name taken twice or an unknown {@code --modules} entry stops start-up. */
  static List<Found> select(OpenRedConfig config, List<Found> found) {
    Map<String, Found> byName = new LinkedHashMap<>();
    for (Found candidate : found) {
      String name = candidate.module().name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new ConfigException("module " + candidate.module().getClass().getName() + " has an invalid name '" + name + "'");
      }
      if (List.of(Migrations.KERNEL, OpenRedNode.FEDERATION_ROUTES, OpenRedNode.ADMIN_ROUTES).contains(name)) {
        throw new ConfigException("module " + candidate.module().getClass().getName() + " takes the kernel's name " + name);
      }
      if (byName.putIfAbsent(name, candidate) != null) {
        throw new ConfigException("two modules are named " + name + " (" + candidate.module().getClass().getName() + ")");
      }
    }
    List<String> wanted = config.modules().orElse(List.copyOf(byName.keySet()));
    for (String name : wanted) {
      if (!byName.containsKey(name)) {
        throw new ConfigException(Option.MODULES.flagName() + ": no module named " + name + " (known: " + String.join(", ", byName.keySet()) + ")");
      }
    }
    return byName.values().stream()
        .filter(candidate -> wanted.contains(candidate.module().name()) && candidate.module().runsFor(config.role()))
        .toList();
  }

  /** The built-ins this configuration runs, for the commands that work on the database directly. */
  public static List<OpenRedModule> running(OpenRedConfig config) {
    return select(config, builtIn().stream().map(module -> new Found(module, false)).toList()).stream().map(Found::module).toList();
  }

  /**
   * Each running module's settings, {@code --set module.name=value} over its defaults. A setting of a
   * module that does not run, one it does not declare, or a value its check refuses stops start-up.
   */
  static Map<String, Map<String, String>> settings(OpenRedConfig config, List<Found> running) {
    Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    Map<String, List<Setting>> declared = new LinkedHashMap<>();
    for (Found found : running) {
      Map<String, String> values = new LinkedHashMap<>();
      for (Setting setting : found.module().settings()) {
        values.put(setting.name(), setting.defaultValue());
      }
      settings.put(found.module().name(), values);
      declared.put(found.module().name(), found.module().settings());
    }
    config.settings().forEach((key, value) -> {
      String module = key.substring(0, key.indexOf('.'));
      String name = key.substring(key.indexOf('.') + 1);
      if (!declared.containsKey(module)) {
        throw new ConfigException(Option.SET.flagName() + " " + key + ": no running module is named " + module);
      }
      Setting setting = declared.get(module).stream().filter(s -> s.name().equals(name)).findFirst()
          .orElseThrow(() -> new ConfigException(Option.SET.flagName() + " " + key + ": module " + module + " has no setting " + name
              + (declared.get(module).isEmpty() ? "" : " (it has: " + String.join(", ", declared.get(module).stream().map(Setting::name).toList()) + ")")));
      String refused = setting.check().apply(value);
      if (refused != null) {
        throw new ConfigException(Option.SET.flagName() + " " + key + ": '" + value + "' " + refused);
      }
      settings.get(module).put(name, value);
    });
    return settings;
  }

  /** The kernel's migrations, then those of each module that has tables, from its own class loader. */
  public static List<Migrations.Source> migrations(List<OpenRedModule> modules) {
    List<Migrations.Source> sources = new ArrayList<>();
    sources.add(new Migrations.Source(Migrations.KERNEL, Migrations.class.getClassLoader()));
    modules.stream().filter(OpenRedModule::hasMigrations)
        .forEach(module -> sources.add(new Migrations.Source(module.name(), module.getClass().getClassLoader())));
    return sources;
  }
}
