package dev.parlor.yjs.bench;

import dev.parlor.yjs.Lib0Reader;
import dev.parlor.yjs.YUpdates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Java side of the codec benchmark, on the inputs written by {@code yjs-bench.mjs prepare}
 * (system property {@code yjs.bench.inputs}): the same operations the Node side times with Yjs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CodecBenchmark {
  static final int FAN_IN = 100;

  record History(List<byte[]> updates, byte[] merged, byte[] sv) {}

  List<History> small;
  History large;

  @Setup
  public void load() throws IOException {
    byte[] file = Files.readAllBytes(Path.of(System.getProperty("yjs.bench.inputs")));
    Lib0Reader r = new Lib0Reader(file);
    int n = r.readVarUintAsInt();
    small = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      small.add(new History(readList(r), r.readVarUint8Array(), r.readVarUint8Array()));
    }
    large = new History(readList(r), r.readVarUint8Array(), r.readVarUint8Array());
    byte[] ours = mergeTree(large.updates);
    if (!java.util.Arrays.equals(ours, large.merged)) {
      throw new IllegalStateException("Java merge of the trace differs from Yjs's");
    }
  }

  private static List<byte[]> readList(Lib0Reader r) {
    int n = r.readVarUintAsInt();
    List<byte[]> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(r.readVarUint8Array());
    }
    return l;
  }

  static byte[] mergeTree(List<byte[]> updates) {
    List<byte[]> level = updates;
    while (level.size() > 1) {
      List<byte[]> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += FAN_IN) {
        next.add(YUpdates.merge(level.subList(i, Math.min(level.size(), i + FAN_IN))));
      }
      level = next;
    }
    return level.get(0);
  }

  @Benchmark
  public void smallMerge(Blackhole bh) {
    for (History h : small) {
      bh.consume(YUpdates.merge(h.updates));
    }
  }

  @Benchmark
  public void smallDiff(Blackhole bh) {
    for (History h : small) {
      bh.consume(YUpdates.diff(h.merged, h.sv));
    }
  }

  @Benchmark
  public void smallStateVector(Blackhole bh) {
    for (History h : small) {
      bh.consume(YUpdates.stateVector(h.merged));
    }
  }

  @Benchmark
  public void smallCompact(Blackhole bh) {
    for (History h : small) {
      bh.consume(YUpdates.compact(h.updates));
    }
  }

  @Benchmark
  public byte[] largeMerge() {
    return mergeTree(large.updates);
  }

  @Benchmark
  public byte[] largeDiff() {
    return YUpdates.diff(large.merged, large.sv);
  }

  @Benchmark
  public byte[] largeStateVector() {
    return YUpdates.stateVector(large.merged);
  }

  @Benchmark
  public byte[] largeCompact() {
    return YUpdates.compact(List.of(large.merged));
  }
}
