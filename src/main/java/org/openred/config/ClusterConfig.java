package org.openred.config;

import java.util.List;

/** Hazelcast clustering of the event bus; {@code enabled} false means a single process. */
public record ClusterConfig(boolean enabled, String host, int port, List<String> members, String configFile) {
}
