package dev.parlor.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParlorConfigTest {
  @Test
  void readsTypedValuesWithDefaults() {
    ParlorConfig c = ParlorConfig.of(Map.of("PARLOR_HTTP_PORT", "9000", "PARLOR_ANONYMOUS", "yes",
        "PARLOR_CLUSTER_MEMBERS", " a , b,, c "));
    assertEquals(9000, c.port("PARLOR_HTTP_PORT", 8080));
    assertEquals(8080, c.port("PARLOR_OTHER", 8080));
    assertTrue(c.bool("PARLOR_ANONYMOUS", false));
    assertEquals(List.of("a", "b", "c"), c.list("PARLOR_CLUSTER_MEMBERS", ""));
  }

  @Test
  void badValuesNameTheVariable() {
    ParlorConfig c = ParlorConfig.of(Map.of("PARLOR_HTTP_PORT", "eighty", "PARLOR_MANAGEMENT_PORT", "70000",
        "PARLOR_ANONYMOUS", "maybe"));
    assertTrue(assertThrows(ParlorConfig.ConfigException.class, () -> c.port("PARLOR_HTTP_PORT", 1))
        .getMessage().contains("PARLOR_HTTP_PORT"));
    assertTrue(assertThrows(ParlorConfig.ConfigException.class, () -> c.port("PARLOR_MANAGEMENT_PORT", 1))
        .getMessage().contains("between 0 and 65535"));
    assertThrows(ParlorConfig.ConfigException.class, () -> c.bool("PARLOR_ANONYMOUS", false));
  }

  @Test
  void environmentWinsOverDefaults() {
    ParlorConfig c = ParlorConfig.of(Map.of("PARLOR_ANONYMOUS", "false"))
        .withDefaults(Map.of("PARLOR_ANONYMOUS", "true", "PARLOR_DATA_DIR", ".parlor"));
    assertFalse(c.bool("PARLOR_ANONYMOUS", true));
    assertEquals(".parlor", c.string("PARLOR_DATA_DIR", null));
  }
}
