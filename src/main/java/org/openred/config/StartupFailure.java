package org.openred.config;

/** Anything that stops start-up with one clear line and exit code 2 (bad configuration, storage, keys). */
public class StartupFailure extends RuntimeException {
  public StartupFailure(String message) {
    super(message, null, false, false);
  }
}
