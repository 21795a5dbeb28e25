package dev.parlor.room.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.parlor.room.yjs.YjsDocument;
import dev.parlor.yjs.TextUpdates;
import dev.parlor.yjs.YUpdates;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentCopiesTest {
  /** The sender's side: a document with two updates, copied, then two more applied (and a fold). */
  private static final class Sender {
    final List<byte[]> all = new ArrayList<>();
    final YjsDocument doc = new YjsDocument(List.of(), 64);
    List<byte[]> copy;

    Sender() {
      apply(TextUpdates.insertText(1, "before the copy"));
      apply(TextUpdates.insertText(2, "also before"));
      copy = doc.startCopy();
      apply(TextUpdates.insertText(3, "while the copy was on its way"));
      doc.state(); // a fold meanwhile does not lose what the copy lacks
      apply(TextUpdates.insertText(4, "just before the hand-over"));
    }

    void apply(byte[] u) {
      all.add(u);
      doc.apply(u);
    }
  }

  @Test
  void aCopyPlusTheHandOverTailIsTheWholeDocument() {
    Sender sender = new Sender();
    List<byte[]> tail = sender.doc.updatesSinceCopy();
    assertEquals(2, tail.size(), "only what came after the copy is shipped");
    DocumentCopies copies = new DocumentCopies();
    copies.put("yjs/a", 7, sender.copy, new YjsDocument(sender.copy, 64));
    List<byte[]> whole = copies.continued("yjs/a", 7, tail);
    assertNotNull(whole);
    YjsDocument loaded = copies.take("yjs/a", new ArrayList<>(whole)); // the store hands out a new list
    assertNotNull(loaded, "the built copy is used");
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(sender.all)), loaded.stateVector());
    assertArrayEquals(YUpdates.stateVector(YUpdates.merge(sender.all)), YUpdates.stateVector(loaded.state()));
    assertEquals(0, copies.size());
  }

  @Test
  void aHandOverOfAnotherCopyOrALoadFromStorageDoesNotUseTheCopy() {
    Sender sender = new Sender();
    DocumentCopies copies = new DocumentCopies();
    YjsDocument built = new YjsDocument(sender.copy, 64);
    copies.put("yjs/a", 7, sender.copy, built);
    assertNull(copies.continued("yjs/a", 8, sender.doc.updatesSinceCopy()), "another copy's hand-over");
    assertNull(copies.continued("yjs/b", 7, sender.doc.updatesSinceCopy()), "another room");
    // Storage returns equal bytes in other arrays: the copy is not vouched for, so it is dropped.
    List<byte[]> fromStorage = new ArrayList<>();
    sender.all.forEach(u -> fromStorage.add(u.clone()));
    assertNull(copies.take("yjs/a", fromStorage));
    assertEquals(0, copies.size());
    copies.put("yjs/a", 9, sender.copy, built);
    copies.expire("yjs/a", 7);
    assertEquals(1, copies.size(), "expiring an older copy keeps the newer one");
    copies.expire("yjs/a", 9);
    assertEquals(0, copies.size());
  }

  @Test
  void withoutACopyTheDocumentShipsWhole() {
    YjsDocument doc = new YjsDocument(List.of(), 64);
    byte[] u = TextUpdates.insertText(1, "x");
    doc.apply(u);
    assertSame(u, doc.updatesSinceCopy().get(1), "base then tail, as updates() gives them");
    doc.startCopy();
    doc.endCopy();
    assertEquals(2, doc.updatesSinceCopy().size(), "a copy given up: the document ships whole again");
  }
}
