package org.openred.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options about modules, {@code --modules} and {@code --set}, as text: which names and settings
 * exist is checked once the modules are known (app.Modules), with the same exit code 2.
 */
final class ModuleOptions {
  private ModuleOptions() {
  }

  private static final java.util.regex.Pattern MODULE_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final java.util.regex.Pattern SETTING = java.util.regex.Pattern.compile("([a-z][a-z0-9-]{0,31})\\.([a-z][a-z0-9-]{0,63})=(.*)");

  static List<String> names(String value) {
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (!MODULE_NAME.matcher(name).matches()) {
        throw new ConfigException(Option.MODULES.flagName() + ": '" + part.trim() + "' is not a module name");
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return List.copyOf(names);
  }

  /** module.setting=value pairs; which modules and settings exist is checked once the modules are known. */
  static Map<String, String> settings(String value) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      var match = SETTING.matcher(part.trim());
      if (!match.matches()) {
        throw new ConfigException(Option.SET.flagName() + ": '" + part.trim() + "' is not module.setting=value");
      }
      if (settings.put(match.group(1) + "." + match.group(2), match.group(3).trim()) != null) {
        throw new ConfigException(Option.SET.flagName() + ": " + match.group(1) + "." + match.group(2) + " is set twice");
      }
    }
    return Map.copyOf(settings);
  }
}
