package dev.parlor.yjs;

import java.util.Arrays;

/**
 * Writes structs one by one and assembles them into an update, like Yjs's {@code LazyStructWriter}:
 * consecutive structs of one client form a section ({@code count, client, first clock, structs});
 * the number of sections is only known at the end.
 */
final class StructWriter {
  private final Lib0Writer body;
  private int[] sectionEnds = new int[8];
  private int[] sectionCounts = new int[8];
  private int sections;
  private int written;
  private long currClient;

  StructWriter(int expectedSize) {
    body = new Lib0Writer(expectedSize);
  }

  void write(Struct s, long offset) {
    if (written > 0 && currClient != s.client) {
      flush();
    }
    if (written == 0) {
      currClient = s.client;
      body.writeVarUint(s.client);
      body.writeVarUint(s.clock + offset);
    }
    s.write(body, offset);
    written++;
  }

  private void flush() {
    if (written > 0) {
      if (sections == sectionEnds.length) {
        sectionEnds = Arrays.copyOf(sectionEnds, sections * 2);
        sectionCounts = Arrays.copyOf(sectionCounts, sections * 2);
      }
      sectionEnds[sections] = body.length();
      sectionCounts[sections] = written;
      sections++;
      written = 0;
    }
  }

  /** The update: all sections followed by {@code ds}. */
  byte[] finish(DeleteSet ds) {
    flush();
    byte[] b = body.toByteArray();
    Lib0Writer out = new Lib0Writer(b.length + 5 * sections + 16);
    out.writeVarUint(sections);
    int start = 0;
    for (int i = 0; i < sections; i++) {
      out.writeVarUint(sectionCounts[i]);
      out.writeBytes(b, start, sectionEnds[i] - start);
      start = sectionEnds[i];
    }
    ds.write(out);
    return out.toByteArray();
  }
}
