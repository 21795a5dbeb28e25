package dev.parlor.common.auth;

import dev.parlor.common.bus.RoomEnvelope.Access;
import dev.parlor.common.room.RoomRef;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Room grants as tokens carry them: a JSON object from pattern to access, e.g.
 * {@code {"yjs/doc-42": "write", "yjs/doc-*": "read"}}. A pattern is {@code party/room} where
 * party is a party name or {@code *} (every party) and room is
 * <ul>
 *   <li>an exact room id: {@code doc-1} matches {@code doc-1} only, never {@code doc-12};</li>
 *   <li>a prefix ending in one {@code *}: {@code doc-1*} matches {@code doc-1}, {@code doc-12},
 *       {@code doc-1-draft} (any room id that starts with {@code doc-1});</li>
 *   <li>{@code *} alone: every room of the party.</li>
 * </ul>
 * A {@code *} anywhere else is refused when the token is minted. When several patterns match a
 * room, the highest access wins (write over read): grants are a union, never a restriction.
 */
public final class RoomGrants {
  public static final int MAX_GRANTS = 64;
  private static final Pattern PARTY = Pattern.compile("\\*|[a-z][a-z0-9-]{0,31}");
  private static final Pattern ROOM = Pattern.compile("\\*|[A-Za-z0-9._:@-]{1,128}\\*?");

  private RoomGrants() {
  }

  /** Why a pattern is not valid, or null when it is. */
  public static String problem(String pattern) {
    if (pattern == null) {
      return "grant pattern is missing";
    }
    int slash = pattern.indexOf('/');
    if (slash < 0) {
      return "grant '" + pattern + "' must be party/room, e.g. yjs/doc-1 or yjs/doc-*";
    }
    String party = pattern.substring(0, slash);
    String room = pattern.substring(slash + 1);
    if (!PARTY.matcher(party).matches()) {
      return "grant '" + pattern + "': party must be a party name or *";
    }
    if (!ROOM.matcher(room).matches()) {
      return "grant '" + pattern + "': room must be a room id, a prefix ending in *, or *";
    }
    return null;
  }

  /** Whether a valid pattern covers the room. Invalid patterns match nothing. */
  public static boolean matches(String pattern, RoomRef room) {
    int slash = pattern.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String party = pattern.substring(0, slash);
    String roomPattern = pattern.substring(slash + 1);
    if (!party.equals("*") && !party.equals(room.party())) {
      return false;
    }
    if (roomPattern.endsWith("*")) {
      String prefix = roomPattern.substring(0, roomPattern.length() - 1);
      return prefix.indexOf('*') < 0 && room.room().startsWith(prefix);
    }
    return roomPattern.equals(room.room());
  }

  /** The access the grants give to the room, or null when none matches. */
  public static Access accessFor(JsonObject grants, RoomRef room) {
    if (grants == null) {
      return null;
    }
    Access best = null;
    for (Map.Entry<String, Object> e : grants) {
      Access a = parseAccess(e.getValue());
      if (a != null && matches(e.getKey(), room) && (best == null || a.ordinal() > best.ordinal())) {
        best = a;
        if (best == Access.WRITE) {
          break;
        }
      }
    }
    return best;
  }

  /** "read" or "write" (any case) to an access; anything else is null. */
  public static Access parseAccess(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    return switch (s.toLowerCase()) {
      case "read" -> Access.READ;
      case "write" -> Access.WRITE;
      default -> null;
    };
  }

  public static String name(Access access) {
    return access == null ? "none" : access.name().toLowerCase();
  }
}
