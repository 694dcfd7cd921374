package org.openred.store;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openred.app.OpenRedNode;
import org.openred.testing.ClientApi;
import org.openred.testing.TestNodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.openred.testing.TestNodes.await;

/** A node's data is for its owner alone: the data directory 0700, the database and its WAL files 0600. */
class PrivateFilesTest {

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  @DisplayName("A new data directory is 0700 with every file 0600; a loose one found at start is tightened")
  void ownerOnly() throws Exception {
    Path parent = TestNodes.tempDir("private");
    Path data = parent.resolve("data");
    try {
      TestNodes.Spec spec = new TestNodes.Spec().dataDir(data);
      OpenRedNode node = spec.start();
      ClientApi.session(spec.port(), "alice"); // a write, so the WAL files exist
      assertEquals("rwx------", mode(data));
      for (String file : new String[] {"openred.db", "openred.db-wal", "openred.db-shm", "master.key"}) {
        assertEquals("rw-------", mode(data.resolve(file)), file);
      }
      await(node.close());

      // As an older release (or a careless copy) left them.
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(data.resolve("openred.db"), PosixFilePermissions.fromString("rw-r--r--"));
      node = spec.start();
      assertEquals("rwx------", mode(data));
      assertEquals("rw-------", mode(data.resolve("openred.db")));
      ClientApi.session(spec.port(), "bob");
      for (String file : new String[] {"openred.db-wal", "openred.db-shm"}) {
        assertEquals("rw-------", mode(data.resolve(file)), file);
      }
      await(node.close());
    } finally {
      TestNodes.deleteRecursively(parent);
    }
  }
}
