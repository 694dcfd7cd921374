package org.openred.node;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.openred.config.Role;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A capability of a node (seed 001's modules): one package, one class implementing this, found among
 * the built-ins or, for a plugin, through {@link java.util.ServiceLoader} in a jar of the plugins
 * directory. It declares; the kernel wires: its tables (migrations under
 * {@code db/<engine>/<name>/}), its verticles, its routes, the envelope types it applies (stored
 * envelopes reach it on {@code openred.federation.inbound.<area>}), its live-event kinds, its
 * settings, its HTTP filters, AEAD suites and {@code content_sync} source. Other modules reach it only through its client and
 * addresses, never its verticles or tables.
 */
public interface OpenRedModule {
  /** Lowercase letters, digits and '-': the module's name in {@code --modules}, its migrations and its settings. */
  String name();

  /** Whether a process of this role runs the module: nodes, by default. */
  default boolean runsFor(Role role) {
    return role.runsNode();
  }

  /** Whether it has tables: then {@code db/<engine>/<name>/index} lists its migrations, as the kernel's do. */
  default boolean hasMigrations() {
    return false;
  }

  /** The verticles to deploy once storage is migrated; their start completes when their consumers are registered. */
  default List<Deployment> verticles(ModuleContext context) {
    return List.of();
  }

  /** The routes it serves, mounted (and, for a plugin, removed) as one. */
  default List<RouteModule> routes(ModuleContext context) {
    return List.of();
  }

  /**
   * Paths under {@code /api/} whose bodies the module reads itself (an image, a file), left out of the
   * kernel's JSON body handling: exact paths, or prefixes ending in {@code /*}. Such a request reaches
   * the module's route paused; its body handler (or its own reading) resumes it.
   */
  default List<String> rawBodyPaths() {
    return List.of();
  }

  /** The envelope types it applies; a type of the protocol keeps the protocol's endpoint. */
  default List<EnvelopeType> envelopeTypes() {
    return List.of();
  }

  /** The {@code type}s of the live events it publishes on {@code user.<name>}. */
  default Set<String> liveEventKinds() {
    return Set.of();
  }

  /** Its settings, read from {@code --set <module>.<name>=<value>} like every other option. */
  default List<Setting> settings() {
    return List.of();
  }

  /** Handlers run on every request, after the kernel's body handling and before any route (seed 001's middleware). */
  default List<Handler<RoutingContext>> filters(ModuleContext context) {
    return List.of();
  }

  /** AEAD suites it adds to those the node can negotiate (seed 001's crypto methods). */
  default List<org.openred.crypto.AeadSuite> aeadSuites() {
    return List.of();
  }

  /** Its part of {@code content_sync}, when it sends envelopes a node that was away may need again. */
  default Optional<SyncSource> syncSource(ModuleContext context) {
    return Optional.empty();
  }

  /** What it removes (and tells other nodes) when one of this node's users deletes their account. */
  default Optional<AccountCleanup> accountCleanup(ModuleContext context) {
    return Optional.empty();
  }

  /** The check of client access tokens, when this module is the one that issues them (accounts). */
  default Optional<Authenticator> authenticator(ModuleContext context) {
    return Optional.empty();
  }
}
