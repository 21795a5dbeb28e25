package dev.parlor.yjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Malformed input must fail with {@link YjsFormatException} (with an offset), and fast. */
class YjsBadInputTest {
  private static final Path SEEDS =
      Path.of("src/test/resources/dev/parlor/yjs/YjsFuzzTestInputs/fuzzEveryOperation");

  static List<byte[]> seeds() throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (var files = Files.list(SEEDS)) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        out.add(Files.readAllBytes(p));
      }
    }
    out.add(FuzzTarget.VALID);
    return out;
  }

  private static final List<Consumer<byte[]>> OPERATIONS = List.of(
      u -> YUpdates.merge(List.of(u)),
      u -> YUpdates.merge(List.of(u, FuzzTarget.VALID)),
      u -> YUpdates.diff(u, YUpdates.emptyStateVector()),
      YUpdates::stateVector,
      u -> YUpdates.compact(List.of(u)));

  private static YjsFormatException rejects(byte[] input) {
    YjsFormatException first = null;
    for (Consumer<byte[]> op : OPERATIONS) {
      YjsFormatException e = assertThrows(YjsFormatException.class, () -> op.accept(input));
      if (first == null) {
        first = e;
      }
    }
    return first;
  }

  @Test
  void seedsAreValid() throws IOException {
    for (byte[] s : seeds()) {
      for (Consumer<byte[]> op : OPERATIONS) {
        op.accept(s);
      }
    }
  }

  @Test
  void everyTruncationIsRejected() throws IOException {
    for (byte[] s : seeds()) {
      for (int len = 0; len < s.length; len++) {
        YjsFormatException e = rejects(java.util.Arrays.copyOf(s, len));
        assertEquals(true, e.offset() >= 0 && e.offset() <= len, "offset " + e.offset());
      }
    }
  }

  @Test
  void trailingBytesAreRejected() {
    byte[] u = java.util.Arrays.copyOf(FuzzTarget.VALID, FuzzTarget.VALID.length + 1);
    assertEquals(FuzzTarget.VALID.length, rejects(u).offset());
  }

  @Test
  void varintsAndLengthsPastTheEnd() {
    rejects(new byte[] {(byte) 0x80});
    rejects(new byte[] {1, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    // string item whose length runs past the end: offset is where the length starts
    byte[] u = {1, 1, 1, 0, 4, 1, 1, 't', 100, 'a'};
    assertEquals(8, rejects(u).offset());
    // varint longer than 53 bits
    rejects(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1});
  }

  @Test
  void unknownContentRefsAndTypeRefs() {
    for (int ref : new int[] {10 | 0x80, 11, 12, 31}) {
      byte[] u = {1, 1, 1, 0, (byte) ref, 1, 1, 't', 0, 0};
      if ((ref & 0x80) != 0) {
        u = new byte[] {1, 1, 1, 0, (byte) ref, 5, 0, 0};
      }
      YjsFormatException e = rejects(u);
      assertEquals(4, e.offset(), e.getMessage());
    }
    // ContentType with type ref 9
    rejects(new byte[] {1, 1, 1, 0, 7, 1, 1, 't', 9, 0});
    // lib0 any with unknown tag
    rejects(new byte[] {1, 1, 1, 0, 8, 1, 1, 't', 1, 50, 0});
  }

  @Test
  void invalidUtf8AndJson() {
    rejects(new byte[] {1, 1, 1, 0, 4, 1, 1, 't', 1, (byte) 0xc0, 0}); // overlong
    rejects(new byte[] {1, 1, 1, 0, 4, 1, 1, 't', 3, (byte) 0xed, (byte) 0xa0, (byte) 0x80, 0});
    rejects(new byte[] {1, 1, 1, 0, 5, 1, 1, 't', 2, '{', '}' + 1, 0}); // embed "{~"
    rejects(new byte[] {1, 1, 1, 0, 2, 1, 1, 't', 1, 2, '0', '1', 0}); // JSON "01"
  }

  @Test
  void absurdCountsFailFastWithoutAllocating() {
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      // 2^50 clients, 2^40 structs, 2^40 delete ranges, any array of 2^40 elements
      rejects(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
          (byte) 0x80, (byte) 0x80, 0x01});
      rejects(new byte[] {1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
          0x20, 1, 0});
      rejects(new byte[] {0, 1, 1, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
          (byte) 0x80, 0x20, 0, 1});
      rejects(new byte[] {1, 1, 1, 0, 8, 1, 1, 't', 1, 117, (byte) 0x80, (byte) 0x80,
          (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x20, 0});
    });
  }

  @Test
  void deepNestingNeitherOverflowsTheStackNorHangs() {
    int depth = 200_000;
    Lib0Writer w = new Lib0Writer();
    w.writeBytes(new byte[] {1, 1, 1, 0, 8, 1, 1, 't', 1});
    for (int i = 0; i < depth; i++) {
      w.writeUint8(117).writeVarUint(1);
    }
    w.writeUint8(126);
    w.writeUint8(0);
    byte[] valid = w.toByteArray();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      YUpdates.merge(List.of(valid, FuzzTarget.VALID));
      YUpdates.compact(List.of(valid));
      rejects(java.util.Arrays.copyOf(valid, valid.length - 2));
      byte[] json = new byte[depth + 20];
      Lib0Writer j = new Lib0Writer();
      j.writeBytes(new byte[] {1, 1, 1, 0, 5, 1, 1, 't'});
      byte[] text = new byte[depth * 2];
      java.util.Arrays.fill(text, 0, depth, (byte) '[');
      java.util.Arrays.fill(text, depth, depth * 2, (byte) ']');
      j.writeVarUint8Array(text).writeUint8(0);
      YUpdates.stateVector(j.toByteArray());
      assertEquals(json.length, depth + 20);
    });
  }

  /** The seed of the random tests unless {@code -Dyjs.fuzz.seed=N|random} is given. */
  static final long DEFAULT_SEED = 20261122;

  @Test
  void randomBytes() {
    long seed = YjsDifferentialTest.seed("yjs.fuzz.seed", DEFAULT_SEED);
    System.out.println("[yjs bad input] random bytes, seed " + seed + " (replay with -Dyjs.fuzz.seed="
        + seed + ")");
    Random rnd = new Random(seed);
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int i = 0; i < 50_000; i++) {
        byte[] b = new byte[rnd.nextInt(64)];
        rnd.nextBytes(b);
        FuzzTarget.exercise(b);
      }
    });
  }

  /** Seeded mutations of real updates for a bounded time (-Dyjs.mutation.seconds, default 5). */
  @Test
  void mutatedRealUpdates() throws IOException {
    long seed = YjsDifferentialTest.seed("yjs.fuzz.seed", DEFAULT_SEED);
    long seconds = Long.getLong("yjs.mutation.seconds", 5);
    System.out.println("[yjs bad input] mutations, seed " + seed + " for " + seconds + " s");
    List<byte[]> seeds = seeds();
    Random rnd = new Random(seed);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int runs = 0;
    while (System.nanoTime() < deadline) {
      byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
      int edits = 1 + rnd.nextInt(4);
      for (int e = 0; e < edits && b.length > 0; e++) {
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(4)) {
          case 0 -> b[at] = (byte) rnd.nextInt(256);
          case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
          case 2 -> b = java.util.Arrays.copyOf(b, at);
          default -> {
            byte[] c = new byte[b.length + 1];
            System.arraycopy(b, 0, c, 0, at);
            c[at] = (byte) rnd.nextInt(256);
            System.arraycopy(b, at, c, at + 1, b.length - at);
            b = c;
          }
        }
      }
      byte[] input = new byte[b.length + 1];
      input[0] = (byte) rnd.nextInt(8);
      System.arraycopy(b, 0, input, 1, b.length);
      FuzzTarget.exercise(input);
      runs++;
    }
    System.out.println("[yjs bad input] " + runs + " mutated inputs");
  }

  @Test
  void emptyHelpers() {
    assertArrayEquals(new byte[] {0, 0}, YUpdates.emptyUpdate());
    assertArrayEquals(new byte[] {0}, YUpdates.emptyStateVector());
    assertArrayEquals(new byte[] {0, 0}, YUpdates.merge(List.of()));
    assertArrayEquals(new byte[] {0, 0}, YUpdates.compact(List.of()));
    assertArrayEquals(new byte[] {0}, YUpdates.stateVector(YUpdates.emptyUpdate()));
  }
}
