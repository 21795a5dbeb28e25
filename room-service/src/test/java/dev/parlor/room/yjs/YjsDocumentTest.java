package dev.parlor.room.yjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parlor.yjs.Lib0Writer;
import dev.parlor.yjs.YUpdates;
import dev.parlor.yjs.YjsFormatException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YjsDocumentTest {
  static byte[] insert(long client, String text) {
    return new Lib0Writer().writeVarUint(1).writeVarUint(1).writeVarUint(client).writeVarUint(0)
        .writeUint8(4).writeVarUint(1).writeVarString("t").writeVarString(text).writeVarUint(0).toByteArray();
  }

  @Test
  void backgroundMergeKeepsUpdatesThatArriveMeanwhile() {
    YjsDocument doc = new YjsDocument(List.of(), 3);
    List<byte[]> all = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      all.add(insert(i, "u" + i));
      doc.apply(all.get(all.size() - 1));
    }
    YjsDocument.MergeJob job = doc.mergeJob();
    assertNotNull(job);
    all.add(insert(4, "late"));
    doc.apply(all.get(3));
    assertTrue(doc.completeMerge(job, job.run()));
    assertEquals(1, doc.tailSize(), "the late update stays in the tail");
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(all)), doc.stateVector());
  }

  @Test
  void aBigDocumentFoldsOnlyWhenItsTailIsASizeableShareOfIt() {
    byte[] big = insert(1, "x".repeat(80_000));
    YjsDocument doc = new YjsDocument(List.of(big), 3);
    long client = 2;
    long tailBytes = 0;
    while (tailBytes * YjsDocument.BASE_PER_TAIL < big.length) {
      assertNull(doc.mergeJob(), "no whole-document merge for a tail of " + tailBytes + " bytes");
      byte[] u = insert(client++, "y".repeat(500));
      doc.apply(u);
      tailBytes += u.length;
    }
    assertNotNull(doc.mergeJob(), "the tail is an eighth of the document now");
  }

  @Test
  void aMergeOvertakenByAFoldIsDiscarded() {
    YjsDocument doc = new YjsDocument(List.of(), 2);
    doc.apply(insert(1, "a"));
    doc.apply(insert(2, "b"));
    YjsDocument.MergeJob job = doc.mergeJob();
    doc.state(); // a joining client folded the tail first
    assertFalse(doc.completeMerge(job, job.run()));
    assertNull(doc.mergeJob());
  }

  @Test
  void invalidUpdatesAreRecognised() {
    YjsDocument doc = new YjsDocument(List.of(), 4);
    assertThrows(YjsFormatException.class, () -> doc.novelPart(new byte[] {1, 1, 7}));
    assertNotNull(doc.novelPart(insert(9, "fine")));
  }

  @Test
  void whatTheDocumentHoldsIsNotNovel() {
    byte[] a = insert(1, "a");
    byte[] b = insert(2, "b");
    YjsDocument doc = new YjsDocument(List.of(a), 4);
    assertNull(doc.novelPart(a));
    assertNull(doc.novelPart(YUpdates.merge(List.of(a))), "a reconnecting client's state adds nothing");
    byte[] both = YUpdates.merge(List.of(a, b));
    byte[] novel = doc.novelPart(both);
    assertArrayEquals(YUpdates.stateVector(b), YUpdates.stateVector(novel), "only b is new");
    doc.apply(novel);
    assertNull(doc.novelPart(both));
    assertArrayEquals(YUpdates.stateVector(both), doc.stateVector());
  }

  @Test
  void aLentClockChangesOnlyWhenTheCheckIsDone() throws Exception {
    byte[] a = insert(1, "a");
    YjsDocument doc = new YjsDocument(List.of(a), 4);
    var check = doc.novelPartCheck(a);
    doc.apply(insert(2, "b"));
    assertArrayEquals(YUpdates.stateVector(a), doc.stateVector(), "the lent clock is not changed");
    assertNull(check.call());
    doc.novelPartCheckDone();
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(List.of(a, insert(2, "b")))), doc.stateVector());
  }

  @Test
  void aFoldForAJoinerKeepsTheClockAndLaterUpdates() {
    YjsDocument doc = new YjsDocument(List.of(insert(1, "a")), 8);
    doc.apply(insert(2, "b"));
    YjsDocument.MergeJob fold = doc.foldJob();
    doc.apply(insert(3, "c"));
    assertTrue(doc.completeMerge(fold, fold.mergeOnly()));
    assertEquals(1, doc.tailSize());
    assertNull(doc.foldedState());
    byte[] all = YUpdates.merge(List.of(insert(1, "a"), insert(2, "b"), insert(3, "c")));
    assertArrayEquals(YUpdates.stateVector(all), doc.stateVector());
    assertArrayEquals(YUpdates.stateVector(all), YUpdates.stateVector(doc.state()));
  }
}
