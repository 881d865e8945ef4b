package dev.rollingupgrade.testkit.sim;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ExtensionProfile;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.UpgradeMode;
import dev.rollingupgrade.api.UpgradePolicy;
import dev.rollingupgrade.api.VirtualMachineProfile;
import dev.rollingupgrade.api.event.UpgradeEvent;
import dev.rollingupgrade.core.auto.RolloutStatus;
import dev.rollingupgrade.core.extension.AutomaticExtensionUpgrades;
import dev.rollingupgrade.core.extension.ExtensionUpgradeStatus;
import dev.rollingupgrade.core.extension.SupportedExtensions;
import dev.rollingupgrade.core.extension.VmGroupKind;
import dev.rollingupgrade.core.store.InMemoryRolloutStore;
import dev.rollingupgrade.core.time.SchedulerClock;
import dev.rollingupgrade.testkit.cloud.FakeCloud;
import dev.rollingupgrade.testkit.fleet.FakeFleet;
import dev.rollingupgrade.testkit.fleet.FakeInstance;
import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The story of automatic extension upgrades, on virtual time: a scale set with the application
 * health extension and two other opted-in extensions (the Dependency Agent, and the Azure Monitor
 * agent added to the supported list), an availability set and three standalone VMs. New versions
 * of the agent and the monitor are published; the agent's breaks health on a few of the scale
 * set's instances (chosen by the seed), which get the previous version back and wait for the
 * retry. The publisher fixes the version; after the retry interval everything is up to date.
 * Deterministic for a seed.
 */
public final class ExtensionSimulation {
  /** The agent's publisher. */
  public static final String AGENT_PUBLISHER = "Microsoft.Azure.Monitoring.DependencyAgent";
  /** The monitor's publisher. */
  public static final String MONITOR_PUBLISHER = "Microsoft.Azure.Monitor";
  /** The agent's new version, which breaks health on some instances until the publisher fixes it. */
  public static final String AGENT_RELEASE = "9.10.4";
  /** The monitor's new version. */
  public static final String MONITOR_RELEASE = "1.33.2";

  private final long seed;

  private ExtensionSimulation(long seed) {
    this.seed = seed;
  }

  /** The story with {@code seed}. */
  public static ExtensionSimulation of(long seed) {
    return new ExtensionSimulation(seed);
  }

  /** Plays it: the releases, the failed instances, the retry. */
  public Result run() {
    VirtualScheduler clock = VirtualScheduler.create();
    FakeCloud cloud = FakeCloud.on(clock);
    List<UpgradeEvent> events = Collections.synchronizedList(new ArrayList<>());
    Extension health = ext("health", "Microsoft.ManagedServices", "ApplicationHealthLinux", "2.0");
    Extension agent = ext("agent", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10");
    Extension monitor = ext("monitor", MONITOR_PUBLISHER, "AzureMonitorLinuxAgent", "1.33");
    FakeFleet web = cloud.addScaleSet("web", "westeurope", f -> f.instances(10).zones(2).seed(seed)
        .extension("health", "2.0").extension("agent", "9.10").extension("monitor", "1.33"));
    cloud.addScaleSet("avset", "westeurope", f -> f.instances(6).zones(0).updateDomains(3).seed(seed)
        .extension("agent", "9.10"));
    cloud.addScaleSet("vms", "westeurope", f -> f.instances(3).zones(0).updateDomains(1).seed(seed)
        .extension("agent", "9.10"));
    List<String> broken = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    while (broken.size() < 2) {
      String id = String.valueOf(random.nextInt(10));
      if (!broken.contains(id)) {
        broken.add(id);
        web.instance(id).breaksWith("agent", AGENT_RELEASE);
      }
    }
    AutomaticExtensionUpgrades auto = AutomaticExtensionUpgrades.builder(cloud).driver(cloud).health(cloud)
        .scheduler(clock).store(new InMemoryRolloutStore(SchedulerClock.of(clock))).listener(events::add)
        .supportedExtensions(SupportedExtensions.defaults().with(MONITOR_PUBLISHER, "AzureMonitorLinuxAgent"))
        .build();
    auto.enable(group("web", List.of("1", "2"), 10, health, agent, monitor));
    auto.enable(group("avset", List.of(), 6, agent), VmGroupKind.AVAILABILITY_SET);
    auto.enable(group("vms", List.of(), 3, agent), VmGroupKind.STANDALONE_VMS);
    cloud.publishExtensionVersions("westeurope", AGENT_PUBLISHER, "DependencyAgentLinux", "9.10", AGENT_RELEASE);
    cloud.publishExtensionVersions("westeurope", MONITOR_PUBLISHER, "AzureMonitorLinuxAgent", "1.33", MONITOR_RELEASE);
    clock.advanceBy(Duration.ofHours(6));
    Snapshot beforeFix = snapshot(auto, cloud, clock.now());
    web.instances(broken.toArray(String[]::new)).noLongerBreaksWith("agent", AGENT_RELEASE); // the publisher fixes it
    clock.advanceBy(Duration.ofDays(3).plusHours(6));
    Snapshot afterRetry = snapshot(auto, cloud, clock.now());
    auto.close();
    List<RolloutStatus> rollouts = auto.rollouts().stream().map(r -> r.status()).toList();
    List<String> runs = new ArrayList<>();
    for (var rollout : auto.rollouts()) {
      for (RolloutStatus.Member m : rollout.status().members()) {
        rollout.run(m.scaleSetName()).ifPresent(run -> {
          var end = run.completion().toCompletableFuture().join();
          var p = end.progress().orElseThrow();
          int rolledBack = end.rollbackInfo().map(x -> x.successfullyRolledbackInstanceCount()).orElse(0);
          runs.add(m.scaleSetName() + " " + run.targetExtension().map(t -> t.name() + " " + t.version()).orElse("")
              + ": " + p.successfulInstanceCount() + " upgraded, " + p.failedInstanceCount() + " failed ("
              + rolledBack + " got the previous version back), " + p.pendingInstanceCount() + " not touched");
        });
      }
    }
    return new Result(broken, beforeFix, afterRetry, rollouts, runs, digest(rollouts, afterRetry, cloud));
  }

  private static Extension ext(String name, String publisher, String type, String version) {
    return Extension.builder().name(name).publisher(publisher).type(type).typeHandlerVersion(version)
        .autoUpgradeMinorVersion(true).enableAutomaticUpgrade(true).build();
  }

  private static ScaleSet group(String name, List<String> zones, int vms, Extension... extensions) {
    return ScaleSet.builder().name(name).location("westeurope").zones(zones).capacity(vms)
        .virtualMachineProfile(VirtualMachineProfile.builder()
            .imageReference(ImageReference.platform("Canonical", "UbuntuServer", "18.04-LTS", "18.04.1"))
            .extensionProfile(ExtensionProfile.builder().extensions(List.of(extensions)).build()).build())
        .upgradePolicy(UpgradePolicy.builder().mode(UpgradeMode.MANUAL).build())
        .build();
  }

  private static Snapshot snapshot(AutomaticExtensionUpgrades auto, FakeCloud cloud, Instant at) {
    List<ExtensionUpgradeStatus> statuses = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    for (String group : List.of("web", "avset", "vms")) {
      statuses.addAll(auto.status(group));
      for (FakeInstance i : cloud.fleet(group).instances()) {
        versions.add(group + "/" + i.id() + " " + i.extensionVersions());
      }
    }
    return new Snapshot(at, statuses, versions);
  }

  private static String digest(List<RolloutStatus> rollouts, Snapshot end, FakeCloud cloud) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (RolloutStatus s : rollouts) {
        sha.update((s.release() + " " + s.code() + " " + s.endTime().map(Object::toString).orElse("")).getBytes(
            StandardCharsets.UTF_8));
      }
      end.versions().forEach(v -> sha.update(("\n" + v).getBytes(StandardCharsets.UTF_8)));
      cloud.upgrades().forEach(u -> sha.update(("\n" + u.call() + " " + u.scaleSet() + "/" + u.instanceId() + " "
          + u.start()).getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * The extensions' states and every VM's versions at one moment.
   *
   * @param at when
   * @param statuses each opted-in extension of each group
   * @param versions one line per VM: {@code group/id {extension=version, ...}}
   */
  public record Snapshot(Instant at, List<ExtensionUpgradeStatus> statuses, List<String> versions) {}

  /**
   * What the story produced.
   *
   * @param broken the scale set's instances the agent's release broke until it was fixed
   * @param beforeFix the states after the releases rolled out, before the fix
   * @param afterRetry the states after the retry interval passed
   * @param rollouts every rollout, oldest first, at its end
   * @param runs one line per member run, oldest rollout first: what it upgraded, rolled back, left
   * @param digest SHA-256 (hex) over the rollouts, the final versions and every change made
   */
  public record Result(List<String> broken, Snapshot beforeFix, Snapshot afterRetry, List<RolloutStatus> rollouts,
      List<String> runs, String digest) {}
}
