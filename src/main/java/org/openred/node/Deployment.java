package org.openred.node;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;

import java.util.function.Supplier;

/** A verticle a module deploys, and how: {@code instances} of it, each from the factory. */
public record Deployment(Supplier<? extends Deployable> factory, int instances) {
  public static Deployment one(Supplier<? extends Deployable> factory) {
    return new Deployment(factory, 1);
  }

  public DeploymentOptions options() {
    return new DeploymentOptions().setInstances(instances);
  }
}
