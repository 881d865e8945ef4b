package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.Scheduler;
import dev.rollingupgrade.api.spi.UpgradeListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers a run's events to its listeners; builds nothing when nobody listens. */
final class RunEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

  private final List<UpgradeListener> listeners;
  private final Scheduler scheduler;
  private final String scaleSetName;
  private final String runId;

  RunEvents(List<UpgradeListener> listeners, Scheduler scheduler, String scaleSetName, String runId) {
    this.listeners = List.copyOf(listeners);
    this.scheduler = scheduler;
    this.scaleSetName = scaleSetName;
    this.runId = runId;
  }

  boolean enabled() {
    return !listeners.isEmpty();
  }

  void emit(UpgradeEventType type, int batch, List<String> instanceIds, String code, String message) {
    if (listeners.isEmpty()) {
      return;
    }
    var event = UpgradeEvent.builder().type(type).time(scheduler.now()).scaleSetName(scaleSetName).runId(runId)
        .instanceIds(instanceIds);
    if (batch > 0) {
      event.batch(batch);
    }
    if (code != null) {
      event.code(code);
    }
    if (message != null) {
      event.message(message);
    }
    UpgradeEvent built = event.build();
    for (UpgradeListener listener : listeners) {
      try {
        listener.onEvent(built);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed on {}; ignored", listener, type, e);
      }
    }
  }
}
