package org.openred.crypto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The AEAD suites one node can negotiate, by wire name: the built-ins ({@link Aead}) first, then
 * those its modules add (seed 001's crypto methods). A name taken twice is a defect of a module.
 */
public final class AeadSuites {
  private static final Pattern WIRE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private final Map<String, AeadSuite> suites;

  private AeadSuites(Map<String, AeadSuite> suites) {
    this.suites = suites;
  }

  public static AeadSuites of(List<? extends AeadSuite> added) {
    Map<String, AeadSuite> suites = new LinkedHashMap<>();
    for (Aead builtIn : Aead.values()) {
      suites.put(builtIn.wireName(), builtIn);
    }
    for (AeadSuite suite : added) {
      if (suite.wireName() == null || !WIRE_NAME.matcher(suite.wireName()).matches()) {
        throw new IllegalStateException("AEAD suite " + suite.getClass().getName() + " has no valid wire name");
      }
      if (suites.putIfAbsent(suite.wireName(), suite) != null) {
        throw new IllegalStateException("two AEAD suites are named " + suite.wireName());
      }
    }
    return new AeadSuites(Map.copyOf(suites));
  }

  public Optional<AeadSuite> byName(String wireName) {
    return Optional.ofNullable(suites.get(wireName));
  }

  /** The wire names, built-ins first. */
  public List<String> names() {
    List<String> names = new java.util.ArrayList<>();
    for (Aead builtIn : Aead.values()) {
      names.add(builtIn.wireName());
    }
    suites.keySet().stream().filter(name -> !names.contains(name)).sorted().forEach(names::add);
    return names;
  }
}
