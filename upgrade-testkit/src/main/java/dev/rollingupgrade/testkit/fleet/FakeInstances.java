package dev.rollingupgrade.testkit.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Several instances of a {@link FakeFleet} scripted together — a zone, an update domain or a
 * chosen few: {@code fleet.zone("2").goesUnhealthyAt(t)}. Each method applies to every instance
 * and returns this.
 */
public final class FakeInstances {
  private final List<FakeInstance> members;

  FakeInstances(List<FakeInstance> members) {
    this.members = List.copyOf(members);
  }

  /** The instances, in id order. */
  public List<FakeInstance> members() {
    return members;
  }

  /** How many instances there are. */
  public int size() {
    return members.size();
  }

  /** Maintenance: all go unhealthy at {@code time} and stay so. */
  public FakeInstances goesUnhealthyAt(Instant time) {
    return each(i -> i.becomesUnhealthyAt(time));
  }

  /** All are healthy again at {@code time}. */
  public FakeInstances becomesHealthyAt(Instant time) {
    return each(i -> i.becomesHealthyAt(time));
  }

  /** Version {@code version} of extension {@code name} breaks each of them (see {@link FakeInstance#breaksWith}). */
  public FakeInstances breakWith(String name, String version) {
    return each(i -> i.breaksWith(name, version));
  }

  /** Version {@code version} of extension {@code name} no longer breaks them (see {@link FakeInstance#noLongerBreaksWith}). */
  public FakeInstances noLongerBreakWith(String name, String version) {
    return each(i -> i.noLongerBreaksWith(name, version));
  }

  /** After their upgrade, none becomes healthy. */
  public FakeInstances neverBecomesHealthy() {
    return each(FakeInstance::neverBecomesHealthy);
  }

  /** Their upgrade calls fail. */
  public FakeInstances failUpgrade() {
    return each(FakeInstance::failsUpgrade);
  }

  /** Their upgrade calls take this long. */
  public FakeInstances upgradeLatency(Duration latency) {
    return each(i -> i.upgradeLatency(latency));
  }

  /** After their upgrade they initialize this long. */
  public FakeInstances timeToHealthy(Duration time) {
    return each(i -> i.timeToHealthy(time));
  }

  /** All start unhealthy. */
  public FakeInstances startUnhealthy() {
    return each(FakeInstance::startsUnhealthy);
  }

  /** Upgrades must never touch them. */
  public FakeInstances protectedFromScaleSetActions() {
    return each(FakeInstance::protectedFromScaleSetActions);
  }

  private FakeInstances each(Consumer<FakeInstance> script) {
    members.forEach(script);
    return this;
  }
}
