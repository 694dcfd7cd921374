package org.openred.app;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.impl.EventBusInternal;
import io.vertx.core.internal.VertxInternal;
import org.openred.node.Deployment;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * What a plugin's verticles see of Vert.x: all of it, but an event bus on which they cannot consume
 * the crypto sandbox's addresses ({@code openred.crypto.*}), so no plugin can stand in for the
 * sandbox and answer another module's signing request. This stops the mistake and the casual
 * abuse the kernel can see; in-process plugins are trusted code all the same (reflection reaches
 * anything), which is why the node's private keys move to a process of their own (issue 18).
 */
final class PluginGuard {
  static final String SANDBOX_PREFIX = "openred.crypto.";

  private PluginGuard() {
  }

  /** The deployment, its verticles given the guarded Vert.x; a plugin verticle must extend {@link VerticleBase}. */
  static Deployment guard(String module, Deployment deployment) {
    return new Deployment(() -> new Deployable() {
      private VerticleBase verticle;

      @Override
      public Future<?> deploy(Context context) throws Exception {
        Deployable made = deployment.factory().get();
        if (!(made instanceof VerticleBase base)) {
          return Future.failedFuture(new IllegalStateException("plugin " + module + ": its verticles must extend VerticleBase, "
              + made.getClass().getName() + " does not"));
        }
        verticle = base;
        verticle.init(guarded(context.owner()), context);
        return verticle.start();
      }

      @Override
      public Future<?> undeploy(Context context) throws Exception {
        return verticle == null ? Future.succeededFuture() : verticle.stop();
      }
    }, deployment.instances());
  }

  static Vertx guarded(Vertx vertx) {
    EventBus bus = (EventBus) Proxy.newProxyInstance(PluginGuard.class.getClassLoader(), new Class<?>[] {EventBusInternal.class},
        (proxy, method, args) -> {
          if ((method.getName().equals("consumer") || method.getName().equals("localConsumer")) && args != null
              && args[0] instanceof String address && address.startsWith(SANDBOX_PREFIX)) {
            throw new SecurityException("a plugin may not consume " + address + ": the crypto sandbox's addresses are the kernel's");
          }
          Object result = invoke(method, vertx.eventBus(), args);
          return result == vertx.eventBus() ? proxy : result;
        });
    return (Vertx) Proxy.newProxyInstance(PluginGuard.class.getClassLoader(), new Class<?>[] {VertxInternal.class},
        (proxy, method, args) -> method.getName().equals("eventBus") && (args == null || args.length == 0) ? bus : invoke(method, vertx, args));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
