package org.openred.kernel;

/** The name and version this build reports in key documents and logs. */
public final class Software {
  private Software() {
  }

  public static String version() {
    String version = Software.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
