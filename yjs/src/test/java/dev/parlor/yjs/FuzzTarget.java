package dev.parlor.yjs;

import java.util.List;

/**
 * One fuzz input through every public operation. Each must either succeed (and then produce output
 * that decodes again) or throw {@link YjsFormatException} with an offset inside the input; any other
 * outcome (another exception, a hang, running out of stack or memory) is a bug.
 */
final class FuzzTarget {
  /** A small valid update: one client, a root text "t" holding "ab", then one deletion. */
  static final byte[] VALID = {1, 1, 1, 0, 4, 1, 1, 't', 2, 'a', 'b', 1, 1, 1, 0, 1};

  private FuzzTarget() {}

  static void exercise(byte[] data) {
    if (data.length == 0) {
      expectFailure(data, () -> YUpdates.stateVector(data));
      return;
    }
    int op = data[0] & 0xff;
    byte[] in = java.util.Arrays.copyOfRange(data, 1, data.length);
    switch (op % 8) {
      case 0 -> run(in, () -> reparse(YUpdates.merge(List.of(in))));
      case 1 -> run(in, () -> {
        reparse(YUpdates.merge(List.of(VALID, in, VALID)));
        novelAndAdd(in);
      });
      case 2 -> run(in, () -> reparse(YUpdates.diff(in, new byte[] {1, 1, 1})));
      case 3 -> run(in, () -> reparse(YUpdates.diff(VALID, in)));
      case 4 -> run(in, () -> StateVectors.decode(YUpdates.stateVector(in)));
      case 5 -> run(in, () -> reparse(YUpdates.compact(List.of(in))));
      case 6 -> run(in, () -> reparse(YUpdates.compact(List.of(VALID, in))));
      default -> run(in, () -> Lib0Any.read(new Lib0Reader(in)));
    }
  }

  /** The input through a {@link DocumentClock} of VALID: novel part (decodes again), add, twice. */
  private static void novelAndAdd(byte[] in) {
    DocumentClock c = DocumentClock.of(VALID);
    for (int pass = 0; pass < 2; pass++) {
      byte[] novel = c.novelPart(in);
      if (novel != null) {
        reparse(novel);
        c.add(novel);
      }
    }
    StateVectors.decode(c.stateVector());
  }

  private static void reparse(byte[] update) {
    ParsedUpdate.parse(update);
  }

  private static void run(byte[] in, Runnable r) {
    try {
      r.run();
    } catch (YjsFormatException e) {
      if (e.offset() < 0 || e.offset() > in.length + VALID.length * 2) {
        throw new AssertionError("offset " + e.offset() + " outside the input", e);
      }
    }
  }

  private static void expectFailure(byte[] in, Runnable r) {
    try {
      r.run();
      throw new AssertionError("empty input accepted");
    } catch (YjsFormatException expected) {
      // fine
    }
  }
}
