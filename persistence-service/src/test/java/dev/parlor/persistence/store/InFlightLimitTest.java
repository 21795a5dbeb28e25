package dev.parlor.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  @Test
  void neverRunsMoreThanTheLimitAndRunsEverything() {
    InFlightLimit limit = new InFlightLimit(3);
    List<Promise<Void>> started = new ArrayList<>();
    List<Supplier<Future<?>>> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks.add(() -> {
        Promise<Void> p = Promise.promise();
        started.add(p);
        return p.future();
      });
    }
    Future<Void> all = limit.run(tasks);
    assertEquals(3, started.size(), "only three start at once");
    started.get(0).fail("boom");
    assertEquals(4, started.size(), "a failure frees its slot too");
    for (int i = 1; i < 10; i++) {
      started.get(i).complete();
    }
    assertEquals(10, started.size());
    assertTrue(all.succeeded());
  }
}
