package dev.parlor.room.yjs;

import dev.parlor.room.host.RoomOutput;
import java.util.ArrayList;
import java.util.List;

/** A RoomOutput that records what a room sent, for tests of room logic without Vert.x. */
final class RecordingOutput implements RoomOutput {
  record Sent(String kind, long connId, byte[] frame, int code, String reason) {
  }

  final List<Sent> sent = new ArrayList<>();

  @Override
  public void send(long connId, byte[] frame) {
    sent.add(new Sent("send", connId, frame, 0, null));
  }

  @Override
  public void broadcast(long exceptConnId, byte[] frame) {
    sent.add(new Sent("broadcast", exceptConnId, frame, 0, null));
  }

  @Override
  public void close(long connId, int code, String reason) {
    sent.add(new Sent("close", connId, null, code, reason));
  }

  List<Sent> of(String kind) {
    return sent.stream().filter(s -> s.kind().equals(kind)).toList();
  }
}
