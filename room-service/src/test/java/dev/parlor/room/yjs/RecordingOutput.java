package dev.parlor.room.yjs;

import dev.parlor.room.host.RoomOutput;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A RoomOutput that records what a room sent, for tests of room logic without Vert.x. Work off the
 * loop runs inline, or with {@link #deferOffLoop} waits in {@link #offLoopWork} until the test runs it.
 */
final class RecordingOutput implements RoomOutput {
  record Sent(String kind, long connId, byte[] frame, int code, String reason) {
  }

  final List<Sent> sent = new ArrayList<>();
  boolean deferOffLoop;
  final List<Runnable> offLoopWork = new ArrayList<>();

  @Override
  public <T> Future<T> offLoop(Callable<T> work) {
    if (!deferOffLoop) {
      return RoomOutput.super.offLoop(work);
    }
    Promise<T> done = Promise.promise();
    offLoopWork.add(() -> RoomOutput.super.offLoop(work).onComplete(done));
    return done.future();
  }

  /** Runs the deferred work in the order it was asked for. */
  void runOffLoopWork() {
    List<Runnable> work = new ArrayList<>(offLoopWork);
    offLoopWork.clear();
    work.forEach(Runnable::run);
  }

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
