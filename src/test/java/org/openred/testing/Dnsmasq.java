package org.openred.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: Debian's dnsmasq on a free loopback port, authoritative for
 * {@code .test} (unknown names get NXDOMAIN, nothing is forwarded anywhere), with the SRV, TXT and
 * A records a test gives it.
 */
public final class Dnsmasq implements AutoCloseable {
  public static final String BINARY = "/usr/sbin/dnsmasq";
  private final List<String> records = new ArrayList<>();
  private final int port = freeUdpPort();
  private int ttl = 0;
  private Process process;

  public int port() {
    return port;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  public Dnsmasq host(String name, String ip) {
    records.add("--host-record=" + name + "," + ip);
    return this;
  }

  public Dnsmasq srv(String name, String target, int port, int priority, int weight) {
    records.add("--srv-host=" + name + "," + target + "," + port + "," + priority + "," + weight);
    return this;
  }

  public Dnsmasq txt(String name, String text) {
    // Passed without a shell: quotes would become part of the record. dnsmasq splits on commas only.
    records.add("--txt-record=" + name + "," + text);
    return this;
  }

  /** The TTL dnsmasq gives its configured records (0 by default). */
  public Dnsmasq ttl(int seconds) {
    this.ttl = seconds;
    return this;
  }

  public Dnsmasq clear() {
    records.clear();
    return this;
  }

  /** (Re)starts dnsmasq with the records given so far and waits until it answers. */
  public Dnsmasq start() {
    stop();
    List<String> command = new ArrayList<>(List.of(BINARY, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
        "--no-hosts", "--no-poll", "--bind-interfaces", "--listen-address=127.0.0.1", "--port=" + port, "--local=/test/",
        "--local-ttl=" + ttl, "--pid-file=", "--user=root", "--log-facility=-"));
    command.addAll(records);
    try {
      Path log = Files.createTempFile("dnsmasq", ".log");
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      for (int i = 0; i < 100; i++) {
        if (answers()) {
          return this;
        }
        if (!process.isAlive()) {
          throw new IllegalStateException("dnsmasq exited: " + Files.readString(log));
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("dnsmasq did not answer on port " + port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + BINARY + " (apt-get install dnsmasq-base)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean answers() {
    // A minimal DNS query for "test." type SOA; any answer means the server is up.
    byte[] query = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 4, 't', 'e', 's', 't', 0, 0, 6, 0, 1};
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(100);
      socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
      socket.receive(new DatagramPacket(new byte[512], 512));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static int freeUdpPort() {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
