package org.openred.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.openred.crypto.AeadSuite;
import org.openred.federation.EnvelopeTypes;
import org.openred.kernel.Problem;
import org.openred.node.Deployment;
import org.openred.node.EnvelopeType;
import org.openred.node.ModuleContext;
import org.openred.node.NodeServices;
import org.openred.web.RouteSwitches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The modules of one running process and their state (seed 001's hot-loadable modules): deploys each
 * one's verticles in order at start, and switches a plugin off and on while the node runs (its
 * verticles undeployed and deployed again, its routes taken away and served again, its envelope types
 * refused and applied again). A switch is kept in {@code module_state}, so it holds across restarts,
 * and published to every process of a clustered node.
 */
final class ModuleManager {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleManager.class);
  /** Clustered: {module, enabled}, published by the process that took an admin's switch, applied by each. */
  static final String STATE = "openred.modules.state";

  private final Vertx vertx;
  private final NodeServices services;
  private final EnvelopeTypes types;
  private final RouteSwitches switches;
  private final Map<String, Entry> modules = new LinkedHashMap<>();

  private static final class Entry {
    final Modules.Found found;
    final ModuleContext context;
    final List<String> deployments = new ArrayList<>();
    boolean enabled;
    /** Switches of one module are applied one after the other. */
    Future<Void> last = Future.succeededFuture();

    Entry(Modules.Found found, ModuleContext context, boolean enabled) {
      this.found = found;
      this.context = context;
      this.enabled = enabled;
    }

    String name() {
      return found.module().name();
    }
  }

  ModuleManager(Vertx vertx, NodeServices services, EnvelopeTypes types, RouteSwitches switches) {
    this.vertx = vertx;
    this.services = services;
    this.types = types;
    this.switches = switches;
  }

  void add(Modules.Found found, ModuleContext context, boolean enabled) {
    modules.put(found.module().name(), new Entry(found, context, enabled));
  }

  /** The plugins an admin switched off before this start. */
  static Future<Set<String>> switchedOff(NodeServices services) {
    return SqlTemplate.forQuery(services.database().pool(), "SELECT module FROM module_state WHERE enabled = 0").execute(Map.of())
        .map(rows -> {
          Set<String> off = new java.util.HashSet<>();
          rows.forEach(row -> off.add(row.getString("module")));
          return off;
        });
  }

  /** Deploys the enabled modules' verticles, in order, then listens for switches from the other processes of the node. */
  Future<Void> start() {
    Future<Void> chain = Future.succeededFuture();
    for (Entry entry : modules.values()) {
      if (entry.enabled) {
        chain = chain.compose(ignored -> deploy(entry));
      } else {
        LOG.info("Module {} is switched off", entry.name());
      }
    }
    return chain.compose(ignored -> vertx.eventBus().<JsonObject>consumer(STATE, message -> {
      Entry entry = modules.get(message.body().getString("module"));
      if (entry != null && entry.found.plugin()) {
        switchTo(entry, message.body().getBoolean("enabled"));
      }
    }).completion());
  }

  /** An admin's switch: 404 for no such module, 409 for a built-in; kept, applied here, then told to the other processes. */
  Future<JsonObject> change(String name, boolean enabled, String by) {
    Entry entry = modules.get(name);
    if (entry == null) {
      return Future.failedFuture(new Problem(404, "unknown-module", "no module " + name + " runs on this node"));
    }
    if (!entry.found.plugin()) {
      return Future.failedFuture(new Problem(409, "built-in-module", name + " is built in: it runs while the node does"));
    }
    return SqlTemplate.forUpdate(services.database().pool(), "INSERT INTO module_state (module, enabled, changed_at, changed_by) "
            + "VALUES (#{m}, #{e}, #{t}, #{by}) ON CONFLICT (module) DO UPDATE SET enabled = #{e}, changed_at = #{t}, changed_by = #{by}")
        .execute(Map.of("m", name, "e", enabled ? 1 : 0, "t", Instant.now().toString(), "by", by))
        .compose(ignored -> switchTo(entry, enabled))
        .onSuccess(ignored -> {
          LOG.info("Module {} switched {} by {}", name, enabled ? "on" : "off", by);
          vertx.eventBus().publish(STATE, new JsonObject().put("module", name).put("enabled", enabled));
        })
        .map(ignored -> describe(entry));
  }

  private Future<Void> switchTo(Entry entry, boolean enabled) {
    entry.last = entry.last.transform(ignored -> {
      if (entry.enabled == enabled) {
        return Future.succeededFuture();
      }
      entry.enabled = enabled;
      if (enabled) {
        return deploy(entry).compose(deployed -> switches.set(entry.name(), true));
      }
      types.disable(entry.name());
      List<Future<Void>> undeployed = new ArrayList<>();
      entry.deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
      entry.deployments.clear();
      return switches.set(entry.name(), false).compose(off -> Future.join(undeployed)).mapEmpty();
    });
    return entry.last;
  }

  private Future<Void> deploy(Entry entry) {
    Future<Void> chain = Future.succeededFuture();
    for (Deployment verticle : entry.found.module().verticles(entry.context)) {
      Deployment guarded = entry.found.plugin() ? PluginGuard.guard(entry.name(), verticle) : verticle;
      chain = chain.compose(ignored -> vertx.deployVerticle(guarded.factory()::get, guarded.options()))
          .map(id -> {
            entry.deployments.add(id);
            return null;
          });
    }
    return chain.onSuccess(ignored -> types.enable(entry.name()));
  }

  JsonArray describe() {
    JsonArray all = new JsonArray();
    modules.values().forEach(entry -> all.add(describe(entry)));
    return all;
  }

  private static JsonObject describe(Entry entry) {
    var module = entry.found.module();
    return new JsonObject()
        .put("name", module.name())
        .put("kind", entry.found.plugin() ? "plugin" : "built-in")
        .put("state", entry.enabled ? "running" : "disabled")
        .put("envelope_types", new JsonArray(module.envelopeTypes().stream().map(EnvelopeType::type).toList()))
        .put("live_events", new JsonArray(module.liveEventKinds().stream().sorted().toList()))
        .put("settings", new JsonObject(new LinkedHashMap<>(entry.context.settings())))
        .put("aead_suites", new JsonArray(module.aeadSuites().stream().map(AeadSuite::wireName).toList()))
        .put("content_sync", module.syncSource(entry.context).isPresent());
  }
}
