package org.openred.cache;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openred.testing.TestNodes.await;

class LocalCacheTest {
  private final Vertx vertx = Vertx.vertx();
  private final LocalCache cache = new LocalCache(vertx);

  @AfterEach
  void close() {
    await(cache.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("putIfAbsent stores once; entries expire; counters count within their window")
  void semantics() throws InterruptedException {
    assertTrue(await(cache.putIfAbsent("nonce", "1", Duration.ofMillis(200))));
    assertFalse(await(cache.putIfAbsent("nonce", "2", Duration.ofMillis(200))));
    assertEquals("1", await(cache.get("nonce")));
    assertEquals(1L, await(cache.increment("count", Duration.ofMillis(200))));
    assertEquals(2L, await(cache.increment("count", Duration.ofMillis(200))));
    Thread.sleep(250);
    assertNull(await(cache.get("nonce")));
    assertTrue(await(cache.putIfAbsent("nonce", "3", Duration.ofSeconds(5))), "an expired entry no longer blocks");
    assertEquals(1L, await(cache.increment("count", Duration.ofSeconds(5))), "a new window starts at one");
    await(cache.delete("nonce"));
    assertNull(await(cache.get("nonce")));
  }
}
