package dev.parlor.yjs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Differential test against real Yjs: Node generates random multi-client editing histories, this
 * side merges, diffs, computes state vectors and compacts them, Node checks every result with Yjs
 * (byte equality for merge/diff/stateVector, same document and state vector for everything, compact
 * size within 5% of a gc-enabled Y.Doc). {@link DocumentClockHistories} feeds every history through
 * a {@link DocumentClock} in several orders; Node checks the merged novel parts give the document.
 *
 * <p>The run seed is {@link #DEFAULT_SEED} unless {@code -Dyjs.seed=N} (replay a run) or
 * {@code -Dyjs.seed=random} (a fresh seed, printed) is given; {@code -Dyjs.histories=20000} for a
 * longer run; {@code -Dyjs.history=H} runs only the history a FAIL line names ("history seed H").
 */
class YjsDifferentialTest {
  private static final int BATCH = 500;
  /** The run seed unless {@code -Dyjs.seed} is given, so that CI runs are repeatable. */
  static final long DEFAULT_SEED = 128143465;

  /**
   * The seed property {@code name}: unset gives {@code fixed}, {@code random} a fresh seed (the
   * caller prints it for replay), anything else must be a number.
   */
  static long seed(String name, long fixed) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      return fixed;
    }
    if (v.equalsIgnoreCase("random")) {
      return new java.security.SecureRandom().nextInt() & 0x7fffffff;
    }
    return Long.parseLong(v.trim());
  }

  @Test
  void javaCodecMatchesYjs() throws Exception {
    NodeOracle.requireNode();
    // -Dyjs.history=H replays the one history a FAIL line names ("history seed H")
    String history = System.getProperty("yjs.history", "").trim();
    if (history.isEmpty()) {
      history = null;
    } else {
      Long.parseLong(history); // a number, as printed
    }
    int histories = history != null ? 1 : Integer.getInteger("yjs.histories", 3000);
    long seed = seed("yjs.seed", DEFAULT_SEED);
    System.out.println(history != null ? "[yjs differential] history seed " + history + " alone"
        : "[yjs differential] seed " + seed + ", " + histories + " histories (replay with -Dyjs.seed="
            + seed + " -Dyjs.histories=" + histories + ")");
    Path dir = Files.createTempDirectory("parlor-yjs-diff");
    long javaNanos = 0;
    int done = 0;
    int batchNo = 0;
    try {
      while (done < histories) {
        int n = Math.min(BATCH, histories - done);
        int batchSeed = (int) ((seed + 7919L * batchNo) & 0x7fffffff);
        Path cases = dir.resolve("cases-" + batchNo + ".bin");
        Path results = dir.resolve("results-" + batchNo + ".bin");
        NodeOracle.Result gen = history != null
            ? NodeOracle.node(600, "oracle.mjs", "gen", "--history", history, "--out", cases.toString())
            : NodeOracle.node(600, "oracle.mjs", "gen", "--seed", Integer.toString(batchSeed),
                "--count", Integer.toString(n), "--out", cases.toString());
        assertEquals(0, gen.exit(), "history generation failed:\n" + gen.output());
        long t0 = System.nanoTime();
        byte[] out = runJava(Files.readAllBytes(cases), batchSeed);
        javaNanos += System.nanoTime() - t0;
        Files.write(results, out);
        NodeOracle.Result check = NodeOracle.node(900, "oracle.mjs", "check", "--cases",
            cases.toString(), "--results", results.toString());
        System.out.println("[yjs differential] batch seed " + batchSeed + ": " + check.output().trim());
        assertEquals(0, check.exit(), "Yjs disagrees with the Java codec (batch seed " + batchSeed
            + ", run seed " + seed + "):\n" + check.output());
        Files.deleteIfExists(cases);
        Files.deleteIfExists(results);
        done += n;
        batchNo++;
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
    System.out.printf("[yjs differential] %d histories ok, Java side %.1f ms%n", histories,
        javaNanos / 1e6);
    System.out.println("[yjs differential] " + DocumentClockHistories.summary());
    System.out.printf("[yjs differential] %d of %d merges took DisjointMerge's path (bytes checked by Yjs)%n", disjointMerges,
        allMerges);
  }

  /** Reads the cases file, runs every operation, returns the results file. */
  static byte[] runJava(byte[] casesFile, int batchSeed) {
    Lib0Reader r = new Lib0Reader(casesFile);
    Lib0Writer w = new Lib0Writer(casesFile.length * 2);
    long count = r.readVarUint();
    for (long c = 0; c < count; c++) {
      long caseSeed = r.readVarUint();
      try {
        runCase(r, w, caseSeed);
      } catch (RuntimeException e) {
        throw new AssertionError("Java failed on history seed " + caseSeed + " (batch seed "
            + batchSeed + "): " + e, e);
      }
    }
    return w.toByteArray();
  }

  /** Index sets as the Node oracle writes them: a count, then each set's size and indexes. */
  static List<List<Integer>> readSets(Lib0Reader r) {
    int n = r.readVarUintAsInt();
    List<List<Integer>> sets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = r.readVarUintAsInt();
      List<Integer> s = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        s.add(r.readVarUintAsInt());
      }
      sets.add(s);
    }
    return sets;
  }

  /** How many merges of the index sets took {@link DisjointMerge}'s path (Yjs checks their bytes). */
  static long disjointMerges;
  static long allMerges;

  private static void runCase(Lib0Reader r, Lib0Writer w, long caseSeed) {
    int nu = r.readVarUintAsInt();
    List<byte[]> updates = new ArrayList<>();
    for (int i = 0; i < nu; i++) {
      updates.add(r.readVarUint8Array());
    }
    List<List<Integer>> mergeSets = readSets(r);
    int ns = r.readVarUintAsInt();
    List<byte[]> svs = new ArrayList<>();
    for (int i = 0; i < ns; i++) {
      svs.add(r.readVarUint8Array());
      r.readVarUint8Array(); // the state at that vector, for the Node side
    }
    List<List<Integer>> compactSets = readSets(r);

    List<byte[]> merged = new ArrayList<>();
    for (List<Integer> s : mergeSets) {
      disjointMerges += DisjointMerge.tryMerge(pick(updates, s)) != null ? 1 : 0;
      allMerges++;
      byte[] m = YUpdates.merge(pick(updates, s));
      if (!DocumentClock.of(m).holdsTheSameAs(YUpdates.mergeWithClock(pick(updates, s)).clock())) {
        throw new AssertionError("the clock learnt during the merge of set " + s + " differs from its clock");
      }
      merged.add(m);
      w.writeVarUint8Array(m);
    }
    int third = (nu + 2) / 3;
    List<byte[]> chunks = new ArrayList<>();
    for (int q = 0; q < 3; q++) {
      chunks.add(YUpdates.merge(updates.subList(Math.min(nu, q * third), Math.min(nu, (q + 1) * third))));
    }
    disjointMerges += DisjointMerge.tryMerge(chunks) != null ? 1 : 0;
    allMerges++;
    w.writeVarUint8Array(YUpdates.merge(chunks));
    for (byte[] m : merged) {
      w.writeVarUint8Array(YUpdates.stateVector(m));
    }
    for (byte[] u : updates) {
      w.writeVarUint8Array(YUpdates.stateVector(u));
    }
    for (byte[] sv : svs) {
      w.writeVarUint8Array(YUpdates.diff(merged.get(0), sv));
    }
    for (int i = 0; i < svs.size(); i++) {
      byte[] u = nu == 0 ? YUpdates.emptyUpdate() : updates.get(i % nu);
      w.writeVarUint8Array(YUpdates.diff(u, svs.get(i)));
    }
    for (List<Integer> s : compactSets) {
      w.writeVarUint8Array(YUpdates.compact(pick(updates, s)));
    }
    int half = nu / 2;
    List<byte[]> chain = new ArrayList<>();
    chain.add(YUpdates.compact(updates.subList(0, half)));
    chain.addAll(updates.subList(half, nu));
    w.writeVarUint8Array(YUpdates.compact(chain));
    w.writeVarUint8Array(DocumentClockHistories.check(updates, caseSeed));
  }

  private static List<byte[]> pick(List<byte[]> updates, List<Integer> idx) {
    List<byte[]> out = new ArrayList<>(idx.size());
    for (int i : idx) {
      out.add(updates.get(i));
    }
    return out;
  }
}
