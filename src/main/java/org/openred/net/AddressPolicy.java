package org.openred.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a node or the registry may connect to when a URL comes from outside (a
 * registration, a discovery answer): public unicast only, unless private URLs are allowed for
 * development and tests (ATTACKS 14).
 */
public final class AddressPolicy {
  private AddressPolicy() {
  }

  public static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return !(first == 0                                        // 0.0.0.0/8 "this network"
          || (first == 100 && second >= 64 && second <= 127)    // 100.64.0.0/10 carrier-grade NAT
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24 protocol assignments
          || (first == 198 && (second == 18 || second == 19))   // 198.18.0.0/15 benchmarking
          || first >= 240);                                      // 240.0.0.0/4 reserved, broadcast
    }
    if (address instanceof Inet6Address) {
      int first = b[0] & 0xff;
      boolean uniqueLocal = (first & 0xfe) == 0xfc;              // fc00::/7
      boolean documentation = first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8;
      boolean nat64 = first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
      return !(uniqueLocal || documentation || nat64);
    }
    return false;
  }

  public static boolean allLoopback(List<InetAddress> addresses) {
    return !addresses.isEmpty() && addresses.stream().allMatch(InetAddress::isLoopbackAddress);
  }

  /** True for a loopback IP literal, such as a connection's remote address; a name is never resolved here. */
  public static boolean isLoopbackLiteral(String address) {
    try {
      return address != null && isIpLiteral(address) && InetAddress.getByName(address).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  public static boolean isIpLiteral(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || (h.contains(":") && h.matches("[0-9a-fA-F:.]+"));
  }
}
