package dev.parlor.common.room;

import java.util.regex.Pattern;

/**
 * A room's address: its party (the room type, e.g. {@code yjs}) and its id. {@link #key()} is the
 * form used on the event bus and in Redis keys: {@code party/room}.
 */
public record RoomRef(String party, String room) {
  public static final int MAX_ROOM_ID_LENGTH = 128;
  private static final Pattern PARTY = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9._:@-]{1," + MAX_ROOM_ID_LENGTH + "}");

  public RoomRef {
    String problem = problem(party, room);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Why this party/room pair is not a valid room address, or null when it is. */
  public static String problem(String party, String room) {
    if (party == null || !PARTY.matcher(party).matches()) {
      return "party must be 1-32 characters of a-z, 0-9 and '-', starting with a letter";
    }
    if (room == null || room.isEmpty()) {
      return "room id is empty";
    }
    if (room.length() > MAX_ROOM_ID_LENGTH) {
      return "room id is longer than " + MAX_ROOM_ID_LENGTH + " characters";
    }
    if (!ROOM.matcher(room).matches()) {
      return "room id may contain only letters, digits and . _ : @ -";
    }
    return null;
  }

  public static RoomRef fromKey(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a room key: " + key);
    }
    return new RoomRef(key.substring(0, slash), key.substring(slash + 1));
  }

  public String key() {
    return party + "/" + room;
  }

  @Override
  public String toString() {
    return key();
  }
}
