package dev.parlor.gateway.access;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cross-site WebSocket hijacking guard. Browsers always send Origin on a WebSocket handshake; a
 * request without one is not from a browser (a backend, a native client) and is allowed. A browser
 * request is allowed when its origin is in PARLOR_ALLOWED_ORIGINS (exact scheme://host[:port];
 * {@code *} allows any), or when it is the gateway's own origin (same host as the Host header).
 */
public final class OriginPolicy {
  private final Set<String> allowed;
  private final boolean any;

  public OriginPolicy(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    this.any = allowedOrigins.contains("*");
  }

  public boolean allows(String origin, String host) {
    if (origin == null) {
      return true;
    }
    if (any) {
      return true;
    }
    String o = normalize(origin);
    if (allowed.contains(o)) {
      return true;
    }
    if (host == null || o.equals("null")) {
      return false;
    }
    try {
      URI u = URI.create(o);
      String authority = u.getRawAuthority();
      return authority != null && authority.equalsIgnoreCase(host.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
