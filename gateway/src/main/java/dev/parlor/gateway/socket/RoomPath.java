package dev.parlor.gateway.socket;

import dev.parlor.common.room.RoomRef;
import java.util.Set;

/**
 * Reads {@code /parties/{party}/{room}} from a request path and says what is wrong with it in HTTP
 * terms: 404 for a path or party Parlor does not serve, 400 for a room id that breaks the rules.
 */
public final class RoomPath {
  public record Result(RoomRef room, int status, String error) {
    public boolean ok() {
      return room != null;
    }
  }

  private static final String PREFIX = "/parties/";

  private RoomPath() {
  }

  public static Result parse(String path, Set<String> parties) {
    if (path == null || !path.startsWith(PREFIX)) {
      return new Result(null, 404, "not found");
    }
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return new Result(null, 404, "no room in path: use /parties/{party}/{room}");
    }
    String party = rest.substring(0, slash);
    String room = rest.substring(slash + 1);
    if (!parties.contains(party)) {
      return new Result(null, 404, "unknown party '" + truncate(party) + "'");
    }
    String decoded;
    try {
      decoded = java.net.URLDecoder.decode(room.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Result(null, 400, "room id is not valid percent-encoding");
    }
    String problem = RoomRef.problem(party, decoded);
    if (problem != null) {
      return new Result(null, 400, problem);
    }
    return new Result(new RoomRef(party, decoded), 200, null);
  }

  private static String truncate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
