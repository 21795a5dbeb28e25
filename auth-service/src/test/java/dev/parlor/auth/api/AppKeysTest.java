package dev.parlor.auth.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppKeysTest {
  @Test
  void anyConfiguredKeyIsAcceptedAsABearerSoKeysCanRotate() {
    AppKeys keys = new AppKeys(List.of("old-key", "new-key"));
    assertTrue(keys.accepts("Bearer old-key"));
    assertTrue(keys.accepts("bearer new-key"));
    assertFalse(keys.accepts("Bearer other"));
    assertFalse(keys.accepts("Bearer old-ke"));
    assertFalse(keys.accepts("old-key"));
    assertFalse(keys.accepts(null));
    assertFalse(new AppKeys(List.of()).accepts("Bearer "));
  }
}
