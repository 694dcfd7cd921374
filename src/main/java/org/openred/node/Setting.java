package org.openred.node;

import java.util.function.Function;

/**
 * A module's setting: {@code --set <module>.<name>=<value>} (or {@code OPENRED_SET}, or the config
 * file's {@code "set"}), checked once at start-up like every option: {@code check} answers why a
 * value is refused, or null; a refused or unknown setting stops start-up with exit code 2.
 */
public record Setting(String name, String defaultValue, String help, Function<String, String> check) {
  public static Setting integer(String name, int defaultValue, int min, int max, String help) {
    return new Setting(name, Integer.toString(defaultValue), help, value -> {
      try {
        int parsed = Integer.parseInt(value.trim());
        return parsed >= min && parsed <= max ? null : "must be from " + min + " to " + max;
      } catch (NumberFormatException e) {
        return "must be a whole number";
      }
    });
  }

  public static Setting text(String name, String defaultValue, String help) {
    return new Setting(name, defaultValue, help, value -> value.isBlank() ? "must not be empty" : null);
  }
}
