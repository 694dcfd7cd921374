package org.openred.federation.signature;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The parts of an HTTP request that RFC 9421 components are derived from, and the signature base
 * built from them (section 2.5). Header lookups are case-insensitive; {@code authority} is the
 * normalised host[:port] (section 2.2.3).
 */
public record SignedRequest(String method, String authority, String path, String query, Function<String, String> header) {

  /** {@code @authority}: lowercased host, port dropped when it is the scheme's default. */
  public static String authority(String scheme, String host, int port) {
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.contains(":") && !lower.startsWith("[")) {
      lower = "[" + lower + "]";
    }
    boolean defaultPort = port < 0 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
    return defaultPort ? lower : lower + ":" + port;
  }

  /** Normalises a Host header value as {@link #authority(String, String, int)} does. */
  public static String authority(String scheme, String hostHeader) {
    String value = hostHeader.trim();
    int colon = value.lastIndexOf(':');
    if (colon > 0 && value.indexOf(']') < colon && value.substring(colon + 1).matches("[0-9]{1,5}")) {
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return authority(scheme, host, Integer.parseInt(value.substring(colon + 1)));
    }
    if (value.startsWith("[") && value.endsWith("]")) {
      value = value.substring(1, value.length() - 1);
    }
    return authority(scheme, value, -1);
  }

  public static SignedRequest of(String method, String authority, String path, String query, Map<String, String> headers) {
    return new SignedRequest(method, authority, path, query, name -> {
      for (Map.Entry<String, String> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue();
        }
      }
      return null;
    });
  }

  /** The signature base (RFC 9421 section 2.5) of this request for these parameters. */
  public byte[] signatureBase(SignatureParams params) {
    StringBuilder base = new StringBuilder();
    for (String component : params.components()) {
      if (component.isEmpty() || !component.equals(component.toLowerCase(Locale.ROOT))) {
        throw new MalformedSignatureException("component names are lowercase: " + component);
      }
      base.append('"').append(component).append("\": ").append(value(component)).append('\n');
    }
    base.append("\"@signature-params\": ").append(params.serialize());
    return base.toString().getBytes(StandardCharsets.UTF_8);
  }

  private String value(String component) {
    String value = switch (component) {
      case "@method" -> method;
      case "@authority" -> authority;
      case "@path" -> path == null || path.isEmpty() ? "/" : path;
      case "@query" -> query == null || query.isEmpty() ? "?" : "?" + query;
      case "@target-uri", "@request-target", "@scheme", "@status", "@query-param", "@signature-params" ->
          throw new MalformedSignatureException("unsupported component " + component);
      default -> {
        if (component.startsWith("@")) {
          throw new MalformedSignatureException("unknown derived component " + component);
        }
        String field = header.apply(component);
        if (field == null) {
          throw new MalformedSignatureException("covered header " + component + " is missing");
        }
        yield field.strip();
      }
    };
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r') {
        throw new MalformedSignatureException("newline in component " + component);
      }
    }
    return value;
  }
}
