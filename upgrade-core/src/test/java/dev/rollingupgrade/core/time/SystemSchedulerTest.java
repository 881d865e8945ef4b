package dev.rollingupgrade.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollingupgrade.api.spi.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** Every answered call cancels a timeout timer: a cancelled timer must leave the executor's queue at once. */
class SystemSchedulerTest {
  @Test
  void cancelledTasksLeaveTheQueueOfItsOwnExecutor() {
    try (SystemScheduler scheduler = SystemScheduler.withThreads(1)) {
      List<Cancellable> timers = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        timers.add(scheduler.schedule(Duration.ofMinutes(30), () -> { }));
      }
      assertThat(scheduler.queuedTasks()).isEqualTo(1000);
      timers.forEach(Cancellable::cancel);
      assertThat(scheduler.queuedTasks()).isZero();
    }
  }

  @Test
  void aCallersScheduledThreadPoolIsSwitchedToRemoveCancelledTasks() {
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(1);
    try {
      SystemScheduler scheduler = SystemScheduler.of(executor);
      scheduler.schedule(Duration.ofHours(1), () -> { }).cancel();
      assertThat(scheduler.queuedTasks()).isZero();
      scheduler.close(); // not its executor: does nothing
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void theThreadCountIsChecked() {
    assertThatThrownBy(() -> SystemScheduler.withThreads(0)).hasMessage("threads must be between 1 and 64, got 0");
  }
}
