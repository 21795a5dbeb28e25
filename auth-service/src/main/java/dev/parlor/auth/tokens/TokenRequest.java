package dev.parlor.auth.tokens;

import dev.parlor.common.auth.RoomGrants;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A validated {@code POST /v1/tokens} body:
 * {@code {"sub": "user-1", "name": "Ada", "metadata": {...}, "rooms": {"yjs/doc-*": "write"},
 * "ttlSeconds": 600}}. Only sub is required.
 */
public record TokenRequest(String sub, String name, JsonObject metadata, JsonObject rooms, long ttlSeconds) {
  public static final int MAX_USER_ID = 256;
  public static final int MAX_NAME = 256;
  public static final int MAX_METADATA_BYTES = 2048;

  /** Thrown for a body that cannot be turned into a token; the message is the 400 reason. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  public static TokenRequest parse(JsonObject body, long defaultTtlSeconds, long maxTtlSeconds) {
    if (body == null) {
      throw new Invalid("the body must be a JSON object");
    }
    String sub = text(body, "sub");
    String userProblem = userIdProblem(sub);
    if (userProblem != null) {
      throw new Invalid(userProblem);
    }
    String name = text(body, "name");
    if (name != null && name.length() > MAX_NAME) {
      throw new Invalid("name is longer than " + MAX_NAME + " characters");
    }
    JsonObject metadata = object(body, "metadata");
    if (metadata != null && metadata.encode().length() > MAX_METADATA_BYTES) {
      throw new Invalid("metadata is larger than " + MAX_METADATA_BYTES + " bytes");
    }
    JsonObject rooms = object(body, "rooms");
    if (rooms != null) {
      if (rooms.size() > RoomGrants.MAX_GRANTS) {
        throw new Invalid("at most " + RoomGrants.MAX_GRANTS + " room grants per token");
      }
      for (Map.Entry<String, Object> e : rooms) {
        String problem = RoomGrants.problem(e.getKey());
        if (problem != null) {
          throw new Invalid(problem);
        }
        if (RoomGrants.parseAccess(e.getValue()) == null) {
          throw new Invalid("grant '" + e.getKey() + "': access must be \"read\" or \"write\"");
        }
      }
    }
    long ttl;
    Object ttlValue = body.getValue("ttlSeconds");
    if (ttlValue == null) {
      ttl = Math.min(defaultTtlSeconds, maxTtlSeconds);
    } else if (ttlValue instanceof Number n && n.longValue() == n.doubleValue()) {
      ttl = n.longValue();
      if (ttl < 1 || ttl > maxTtlSeconds) {
        throw new Invalid("ttlSeconds must be between 1 and " + maxTtlSeconds);
      }
    } else {
      throw new Invalid("ttlSeconds must be a whole number");
    }
    return new TokenRequest(sub, name, metadata, rooms, ttl);
  }

  /** Why a user id is not acceptable (tokens and ACLs), or null. */
  public static String userIdProblem(String user) {
    if (user == null || user.isEmpty()) {
      return "sub (the user id) is required";
    }
    if (user.length() > MAX_USER_ID) {
      return "the user id is longer than " + MAX_USER_ID + " characters";
    }
    for (int i = 0; i < user.length(); i++) {
      if (Character.isISOControl(user.charAt(i))) {
        return "the user id contains control characters";
      }
    }
    return null;
  }

  private static String text(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new Invalid(field + " must be a string");
    }
    return s;
  }

  private static JsonObject object(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw new Invalid(field + " must be a JSON object");
    }
    return o;
  }
}
