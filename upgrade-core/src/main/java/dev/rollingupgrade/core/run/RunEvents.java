package dev.rollingupgrade.core.run;

import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.api.event.UpgradeEventType;
import dev.rollingupgrade.api.spi.UpgradeListener;
import dev.rollingupgrade.core.exec.SerialExecutor;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a run's events to its listeners, outside the run's lock (a listener may read the run's
 * status, or block, without holding up the run); builds nothing when nobody listens.
 */
final class RunEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

  private final List<UpgradeListener> listeners;
  private final SerialExecutor executor;
  private final String scaleSetName;
  private final String runId;

  RunEvents(List<UpgradeListener> listeners, SerialExecutor executor, String scaleSetName, String runId) {
    this.listeners = List.copyOf(listeners);
    this.executor = executor;
    this.scaleSetName = scaleSetName;
    this.runId = runId;
  }

  void emit(UpgradeEventType type, int batch, List<String> instanceIds, String code, String message) {
    if (listeners.isEmpty()) {
      return;
    }
    var event = UpgradeEvent.builder().type(type).time(executor.now()).scaleSetName(scaleSetName).runId(runId)
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
    executor.outside(() -> {
      for (UpgradeListener listener : listeners) {
        try {
          listener.onEvent(built);
        } catch (RuntimeException e) {
          LOG.warn("listener {} failed on {}; ignored", listener, type, e);
        }
      }
    });
  }
}
