package dev.rollingupgrade.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.json.AzureJson;
import dev.rollingupgrade.core.run.RunEvent.BatchFinished;
import dev.rollingupgrade.core.run.RunEvent.BatchStarted;
import dev.rollingupgrade.core.run.RunEvent.CancelRequested;
import dev.rollingupgrade.core.run.RunEvent.InstanceFailed;
import dev.rollingupgrade.core.run.RunEvent.InstanceSucceeded;
import dev.rollingupgrade.core.run.RunEvent.PauseStarted;
import dev.rollingupgrade.core.run.RunEvent.Planned;
import dev.rollingupgrade.core.run.RunEvent.RollbackFailed;
import dev.rollingupgrade.core.run.RunEvent.RollbackStarted;
import dev.rollingupgrade.core.run.RunEvent.RolledBack;
import dev.rollingupgrade.core.run.RunEvent.RunFinished;
import dev.rollingupgrade.core.run.RunEvent.RunStarted;
import dev.rollingupgrade.core.run.RunEvent.UpgradeReturned;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns {@link RunEvent}s into store records and back. The format version is written once per
 * run, in its {@code RUN_STARTED} record ({@code format}); every record of the run is read with
 * that version, and an unknown one is a clear error naming it. Instance ids are written as they
 * are (one per attribute) or as a JSON array (batch members), so commas, quotes, tabs and any
 * unicode survive. Never writes secrets: the model is written with its protected settings masked.
 */
final class EventCodec {
  /** The format this SDK writes and reads. Version 1 (SDK 0.1) wrote comma-joined batch members. */
  static final int FORMAT = 2;

  static final String RUN_STARTED = "RUN_STARTED";
  static final String PLANNED = "PLANNED";
  static final String BATCH_STARTED = "BATCH_STARTED";
  static final String UPGRADE_RETURNED = "UPGRADE_RETURNED";
  static final String INSTANCE_SUCCEEDED = "INSTANCE_SUCCEEDED";
  static final String INSTANCE_FAILED = "INSTANCE_FAILED";
  static final String ROLLBACK_STARTED = "ROLLBACK_STARTED";
  static final String ROLLED_BACK = "ROLLED_BACK";
  static final String ROLLBACK_FAILED = "ROLLBACK_FAILED";
  static final String BATCH_FINISHED = "BATCH_FINISHED";
  static final String PAUSE_STARTED = "PAUSE_STARTED";
  static final String CANCEL_REQUESTED = "CANCEL_REQUESTED";
  static final String RUN_FINISHED = "RUN_FINISHED";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<List<String>> IDS = new TypeReference<>() {};

  private EventCodec() {}

  /** The record of {@code event}, number {@code sequence} of the run, decided at {@code time}. */
  static RunRecord encode(String runId, long sequence, Instant time, String scaleSetName, RunEvent event) {
    Map<String, String> a = new LinkedHashMap<>();
    String kind;
    if (event instanceof RunStarted e) {
      kind = RUN_STARTED;
      a.put("format", String.valueOf(FORMAT));
      a.put("scaleSet", e.model().name());
      a.put("kind", e.kind().name());
      a.put("startedBy", e.startedBy().azureName());
      a.put("target", AzureJson.write(e.target()));
      a.put("policy", AzureJson.write(e.policy()));
      a.put("rollback", String.valueOf(e.rollback()));
      a.put("model", AzureJson.write(e.model()));
      a.put("hasProtectedSettings", String.valueOf(e.hasProtectedSettings()));
      a.put("callTimeout", e.callTimeout().toString());
      a.put("healthCallTimeout", e.healthCallTimeout().toString());
      a.put("healthPollInterval", e.healthPollInterval().toString());
      e.extension().ifPresent(x -> a.put("extension", AzureJson.write(x)));
      e.rollout().ifPresent(r -> a.put("rollout", r));
      if (!e.scope().isRolling()) {
        a.put("scope", writeScope(e.scope()));
      }
    } else if (event instanceof Planned e) {
      kind = PLANNED;
      a.put("instanceCount", String.valueOf(e.instances().size()));
      a.put("instances", PlanTable.write(e.instances()));
    } else if (event instanceof BatchStarted e) {
      kind = BATCH_STARTED;
      a.put("batch", String.valueOf(e.number()));
      a.put("instances", ids(e.instanceIds()));
      a.put("reason", e.reason());
    } else if (event instanceof UpgradeReturned e) {
      kind = UPGRADE_RETURNED;
      a.put("instance", e.instanceId());
    } else if (event instanceof InstanceSucceeded e) {
      kind = INSTANCE_SUCCEEDED;
      a.put("instance", e.instanceId());
    } else if (event instanceof InstanceFailed e) {
      kind = INSTANCE_FAILED;
      a.put("instance", e.instanceId());
      a.put("code", e.code());
      a.put("message", e.message());
    } else if (event instanceof RollbackStarted e) {
      kind = ROLLBACK_STARTED;
      a.put("instance", e.instanceId());
    } else if (event instanceof RolledBack e) {
      kind = ROLLED_BACK;
      a.put("instance", e.instanceId());
    } else if (event instanceof RollbackFailed e) {
      kind = ROLLBACK_FAILED;
      a.put("instance", e.instanceId());
      a.put("message", e.message());
    } else if (event instanceof BatchFinished e) {
      kind = BATCH_FINISHED;
      a.put("batch", String.valueOf(e.number()));
    } else if (event instanceof PauseStarted e) {
      kind = PAUSE_STARTED;
      a.put("until", e.until().toString());
    } else if (event instanceof CancelRequested) {
      kind = CANCEL_REQUESTED;
    } else {
      RunFinished e = (RunFinished) event;
      a.put("code", e.code().azureName());
      return new RunRecord(runId, sequence, time, RUN_FINISHED, a,
          Optional.of(new RunRecord.Outcome(scaleSetName, e.history())));
    }
    return RunRecord.of(runId, sequence, time, kind, a);
  }

  /**
   * The format version of a run's journal, from its first record.
   *
   * @throws IllegalStateException if the journal does not start with {@code RUN_STARTED}, or its
   *     version is not one this SDK reads
   */
  static int format(RunRecord first) {
    if (!first.kind().equals(RUN_STARTED)) {
      throw new IllegalStateException("run " + first.runId() + " does not start with " + RUN_STARTED + " but "
          + first.kind() + ": not a journal of this SDK");
    }
    String version = first.attributes().getOrDefault("format", "1");
    if (!version.equals(String.valueOf(FORMAT))) {
      throw new IllegalStateException("run " + first.runId() + " was journalled in format " + version
          + "; this SDK reads format " + FORMAT + " only: finish the run with the SDK version that started it");
    }
    return FORMAT;
  }

  /** The event of {@code record}, read in the run's format. */
  static RunEvent decode(RunRecord record, Optional<dev.rollingupgrade.api.ScaleSet> model) {
    Map<String, String> a = record.attributes();
    try {
      return switch (record.kind()) {
        case RUN_STARTED -> new RunStarted(model.orElseGet(() -> AzureJson.readScaleSet(a.get("model"))),
            UpgradeKind.valueOf(a.get("kind")), invoker(a.get("startedBy")), AzureJson.readImageReference(a.get("target")),
            AzureJson.readRollingUpgradePolicy(a.get("policy")), Boolean.parseBoolean(a.get("rollback")),
            Boolean.parseBoolean(a.get("hasProtectedSettings")), Duration.parse(a.get("callTimeout")),
            Duration.parse(a.get("healthCallTimeout")), Duration.parse(a.get("healthPollInterval")),
            Optional.ofNullable(a.get("rollout")),
            Optional.ofNullable(a.get("extension")).map(AzureJson::readTargetExtension),
            Optional.ofNullable(a.get("scope")).map(EventCodec::readScope).orElse(RunScope.rolling()));
        case PLANNED -> new Planned(PlanTable.read(a.get("instances")));
        case BATCH_STARTED -> new BatchStarted(Integer.parseInt(a.get("batch")), readIds(a.get("instances")),
            a.get("reason"));
        case UPGRADE_RETURNED -> new UpgradeReturned(a.get("instance"));
        case INSTANCE_SUCCEEDED -> new InstanceSucceeded(a.get("instance"));
        case INSTANCE_FAILED -> new InstanceFailed(a.get("instance"), a.get("code"), a.get("message"));
        case ROLLBACK_STARTED -> new RollbackStarted(a.get("instance"));
        case ROLLED_BACK -> new RolledBack(a.get("instance"));
        case ROLLBACK_FAILED -> new RollbackFailed(a.get("instance"), a.get("message"));
        case BATCH_FINISHED -> new BatchFinished(Integer.parseInt(a.get("batch")));
        case PAUSE_STARTED -> new PauseStarted(Instant.parse(a.get("until")));
        case CANCEL_REQUESTED -> new CancelRequested();
        case RUN_FINISHED -> {
          var history = record.outcome().orElseThrow(() -> new IllegalStateException("no history entry"))
              .historyEntry();
          yield new RunFinished(RollingUpgradeStatusCode.valueOf(code(a.get("code"))), history.error(), history);
        }
        default -> throw new IllegalStateException("unknown record kind " + record.kind());
      };
    } catch (RuntimeException e) {
      throw new IllegalStateException("run " + record.runId() + ": record " + record.sequence() + " ("
          + record.kind() + ") cannot be read: " + e.getMessage(), e);
    }
  }

  private static String code(String azureName) {
    for (RollingUpgradeStatusCode c : RollingUpgradeStatusCode.values()) {
      if (c.azureName().equals(azureName)) {
        return c.name();
      }
    }
    throw new IllegalStateException("unknown status code " + azureName);
  }

  private static UpgradeOperationInvoker invoker(String azureName) {
    for (UpgradeOperationInvoker i : UpgradeOperationInvoker.values()) {
      if (i.azureName().equals(azureName)) {
        return i;
      }
    }
    throw new IllegalStateException("unknown startedBy " + azureName);
  }

  private static String ids(List<String> ids) {
    try {
      return MAPPER.writeValueAsString(ids);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings always writes as JSON", e);
    }
  }

  private static List<String> readIds(String json) {
    try {
      return MAPPER.readValue(json, IDS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("batch members are not a JSON array of ids: " + e.getOriginalMessage(), e);
    }
  }

  private static String writeScope(RunScope scope) {
    Map<String, Object> json = new LinkedHashMap<>();
    scope.instanceIds().ifPresent(ids -> json.put("instanceIds", ids));
    scope.updateDomain().ifPresent(ud -> json.put("updateDomain", ud));
    json.put("allAtOnce", scope.oneBatch());
    try {
      return MAPPER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a scope always writes as JSON", e);
    }
  }

  private static RunScope readScope(String json) {
    try {
      var node = MAPPER.readTree(json);
      Optional<List<String>> ids = node.has("instanceIds")
          ? Optional.of(MAPPER.convertValue(node.get("instanceIds"), IDS)) : Optional.empty();
      java.util.OptionalInt ud = node.has("updateDomain") ? java.util.OptionalInt.of(node.get("updateDomain").asInt())
          : java.util.OptionalInt.empty();
      return new RunScope(ids, ud, node.path("allAtOnce").asBoolean(false));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the run's scope is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
