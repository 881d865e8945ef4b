package dev.rollingupgrade.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollingupgrade.api.HealthProbeReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.api.spi.Lease;
import dev.rollingupgrade.api.spi.RolloutStore;
import dev.rollingupgrade.api.spi.RunRecord;
import dev.rollingupgrade.api.status.RollingUpgradeStatusCode;
import dev.rollingupgrade.api.status.UpgradeOperationInvoker;
import dev.rollingupgrade.core.run.RollingUpgrade;
import dev.rollingupgrade.core.run.RollingUpgradeRun;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.testkit.RolloutTestEnvironment;
import dev.rollingupgrade.testkit.fleet.DriverCall;
import dev.rollingupgrade.testkit.crash.ForwardingRolloutStore;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §9 and §11: every decision is durable before the side effect it enables, and durability
 * is paid per side effect, not per record — verdicts and upgrade returns are appended as deferred
 * and made durable with the next batch's start (group commit), so a fault-free run of a thousand
 * instances asks its store for a few dozen durable groups, not thousands.
 */
class DurabilityFollowsSideEffectsTest {
  private final VirtualScheduler clock = VirtualScheduler.create();
  private final FakeFleet fleet = FakeFleet.builder(clock).instances(1_000).zones(3).updateDomains(5)
      .image(RolloutTestEnvironment.CURRENT_IMAGE).build();
  private final CountingStore store = new CountingStore(new InMemoryRolloutStore());
  private final List<String> violations = new ArrayList<>();

  /** A store that counts its durable appends (each one a force, for a file) and its deferred ones. */
  private static final class CountingStore extends ForwardingRolloutStore {
    int appends;
    int deferredAppends;
    long durableUpTo; // records before this sequence number are durable: a durable append covers the deferred before it
    String runId;

    CountingStore(RolloutStore delegate) {
      super(delegate);
    }

    @Override
    public synchronized Optional<Lease> claim(String runId, String owner, Duration duration) {
      this.runId = runId;
      return super.claim(runId, owner, duration);
    }



    @Override
    public synchronized CompletionStage<Void> append(Lease lease, List<RunRecord> records) {
      appends++;
      durableUpTo = records.get(records.size() - 1).sequence() + 1;
      return super.append(lease, records);
    }

    @Override
    public synchronized CompletionStage<Void> appendDeferred(Lease lease, List<RunRecord> records) {
      deferredAppends++;
      return super.appendDeferred(lease, records);
    }
  }

  /** The fleet, checking before each upgrade and restore that the record enabling it is in the store. */
  private final InstanceDriver checkingDriver = (InstanceDriver) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {InstanceDriver.class}, (proxy, method, args) -> {
        String kind = switch (method.getName()) {
          case "replaceOsDisk" -> "BATCH_STARTED";
          case "restorePreviousOsDisk" -> "ROLLBACK_STARTED";
          default -> null;
        };
        if (kind != null) {
          String id = (String) args[1];
          boolean durable = store.records(store.runId).stream().anyMatch(r -> r.sequence() < store.durableUpTo
              && r.kind().equals(kind)
              && (kind.equals("BATCH_STARTED") ? r.attributes().get("instances").contains("\"" + id + "\"")
                  : r.attributes().get("instance").equals(id)));
          if (!durable) {
            violations.add(method.getName() + "(" + id + ") before its " + kind + " was durable");
          }
        }
        try {
          return method.invoke(fleet, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });

  private RollingUpgradeRun run() {
    ScaleSet set = ScaleSet.builder().name("vmss").location("westeurope")
        .virtualMachineProfile(VirtualMachineProfile.builder().imageReference(RolloutTestEnvironment.NEXT_IMAGE)
            .healthProbe(HealthProbeReference.of("/lb/probes/http")).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.ROLLING).build()).build();
    RollingUpgradeRun run = RollingUpgrade.of(set).driver(checkingDriver).health(fleet).scheduler(clock).store(store)
        .startedBy(UpgradeOperationInvoker.PLATFORM).start();
    clock.runUntilIdle();
    return run;
  }

  @Test
  void aFaultFreeRunWritesOneGroupPerSideEffectNotOnePerRecord() {
    RollingUpgradeRun run = run();
    assertThat(run.status().runningStatus().orElseThrow().code()).contains(RollingUpgradeStatusCode.COMPLETED);
    int records = store.records(run.runId()).size();
    int batches = run.batches().size();
    assertThat(records).isGreaterThan(1_000 + 2 * batches);
    // the start, the plan, one group per batch start, the end; the verdicts ride along
    assertThat(store.appends).as("%d records, %d batches", records, batches).isLessThanOrEqualTo(batches + 3);
    assertThat(store.appends + store.deferredAppends).isEqualTo(records);
    assertThat(violations).isEmpty();
  }

  @Test
  void everyUpgradeAndRestoreFollowsItsDurableRecord() {
    fleet.instance("7").neverBecomesHealthy();
    fleet.instance("300").neverBecomesHealthy();
    RollingUpgradeRun run = run();
    assertThat(fleet.stateChangingCalls()).anyMatch(c -> c.kind() == DriverCall.Kind.RESTORE_OS_DISK);
    assertThat(run.isFinished()).isTrue();
    assertThat(violations).isEmpty();
    assertThat(store.records(run.runId())).extracting(RunRecord::kind).contains("INSTANCE_FAILED", "ROLLED_BACK");
  }
}
