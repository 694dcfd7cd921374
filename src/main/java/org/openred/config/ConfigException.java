package org.openred.config;

/** A bad option, environment variable or config file entry: start-up stops with this one line and exit code 2. */
public final class ConfigException extends StartupFailure {
  public ConfigException(String message) {
    super(message);
  }
}
