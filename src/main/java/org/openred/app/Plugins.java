package org.openred.app;

import org.openred.config.StartupFailure;
import org.openred.node.OpenRedModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Plugin modules: each jar of the plugins directory, on a class loader of its own (child of the
 * node's), offering {@link OpenRedModule}s through {@code META-INF/services/org.openred.node.OpenRedModule}.
 * A plugin runs in the node's process: it is code the operator chose to trust, checked for the
 * mistakes the kernel can see (names, addresses it may not take), not sandboxed.
 */
final class Plugins {
  private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

  private Plugins() {
  }

  static List<OpenRedModule> load(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Path> jars;
    try (Stream<Path> listing = Files.list(directory)) {
      jars = listing.filter(path -> path.getFileName().toString().endsWith(".jar") && Files.isRegularFile(path)).sorted().toList();
    } catch (IOException e) {
      throw new StartupFailure("cannot read the plugins directory " + directory + ": " + e.getMessage());
    }
    List<OpenRedModule> found = new ArrayList<>();
    for (Path jar : jars) {
      URL url;
      try {
        url = jar.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new StartupFailure("plugin " + jar + ": " + e.getMessage());
      }
      URLClassLoader loader = new URLClassLoader("openred-plugin-" + jar.getFileName(), new URL[] {url}, Plugins.class.getClassLoader());
      int before = found.size();
      try {
        for (OpenRedModule module : ServiceLoader.load(OpenRedModule.class, loader)) {
          // ServiceLoader also sees the node's own services through the parent: only this jar's count.
          if (module.getClass().getClassLoader() == loader) {
            found.add(module);
          }
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        throw new StartupFailure("plugin " + jar.getFileName() + " cannot be loaded: " + e.getMessage());
      }
      if (found.size() == before) {
        LOG.warn("Plugin {} offers no OpenRedModule (META-INF/services/org.openred.node.OpenRedModule)", jar.getFileName());
      }
      found.subList(before, found.size()).forEach(module -> LOG.info("Plugin {} offers module {}", jar.getFileName(), module.name()));
    }
    return found;
  }
}
