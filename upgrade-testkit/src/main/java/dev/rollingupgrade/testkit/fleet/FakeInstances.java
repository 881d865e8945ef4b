package dev.rollingupgrade.testkit.fleet;

import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Several instances of a {@link FakeFleet} scripted together — a zone, an update domain or a
 * chosen few: {@code fleet.zone("2").becomesUnhealthyAt(t)}. Each scripting method of
 * {@link FakeInstance} has its namesake here, which applies it to every instance and returns this.
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

  /** Their upgrade calls take this long (see {@link FakeInstance#upgradeLatency}). */
  public FakeInstances upgradeLatency(Duration latency) {
    return each(i -> i.upgradeLatency(latency));
  }

  /** After their upgrade they initialize this long (see {@link FakeInstance#timeToHealthy}). */
  public FakeInstances timeToHealthy(Duration time) {
    return each(i -> i.timeToHealthy(time));
  }

  /** After their upgrade, none becomes healthy (see {@link FakeInstance#neverBecomesHealthy}). */
  public FakeInstances neverBecomesHealthy() {
    return each(FakeInstance::neverBecomesHealthy);
  }

  /** Their upgrade calls fail (see {@link FakeInstance#failsUpgrade}). */
  public FakeInstances failsUpgrade() {
    return each(FakeInstance::failsUpgrade);
  }

  /** Their upgrade calls throw instead of returning a stage (see {@link FakeInstance#throwsOnUpgrade}). */
  public FakeInstances throwsOnUpgrade() {
    return each(FakeInstance::throwsOnUpgrade);
  }

  /** Their upgrade calls never complete (see {@link FakeInstance#hangsOnUpgrade}). */
  public FakeInstances hangsOnUpgrade() {
    return each(FakeInstance::hangsOnUpgrade);
  }

  /** Restoring their previous OS disk fails (see {@link FakeInstance#failsRollback}). */
  public FakeInstances failsRollback() {
    return each(FakeInstance::failsRollback);
  }

  /** Health calls for them throw (see {@link FakeInstance#healthCallThrows}). */
  public FakeInstances healthCallThrows() {
    return each(FakeInstance::healthCallThrows);
  }

  /** Health calls for them never complete (see {@link FakeInstance#healthCallHangs}). */
  public FakeInstances healthCallHangs() {
    return each(FakeInstance::healthCallHangs);
  }

  /** Once healthy after its upgrade, each flips unhealthy and back {@code times} times, every {@code period} (see {@link FakeInstance#flaps}). */
  public FakeInstances flaps(Duration period, int times) {
    return each(i -> i.flaps(period, times));
  }

  /** All are unhealthy from the start (see {@link FakeInstance#startsUnhealthy}). */
  public FakeInstances startsUnhealthy() {
    return each(FakeInstance::startsUnhealthy);
  }

  /** All start with this health (see {@link FakeInstance#startsAs}). */
  public FakeInstances startsAs(HealthState state) {
    return each(i -> i.startsAs(state));
  }

  /** Maintenance: all go unhealthy at {@code time} and stay so (see {@link FakeInstance#becomesUnhealthyAt}). */
  public FakeInstances becomesUnhealthyAt(Instant time) {
    return each(i -> i.becomesUnhealthyAt(time));
  }

  /** The end of maintenance: all are healthy again at {@code time} (see {@link FakeInstance#becomesHealthyAt}). */
  public FakeInstances becomesHealthyAt(Instant time) {
    return each(i -> i.becomesHealthyAt(time));
  }

  /** Upgrades must never touch them (see {@link FakeInstance#protectedFromScaleSetActions}). */
  public FakeInstances protectedFromScaleSetActions() {
    return each(FakeInstance::protectedFromScaleSetActions);
  }

  /** They already run {@code runningImage} (see {@link FakeInstance#runs}). */
  public FakeInstances runs(ImageReference runningImage) {
    return each(i -> i.runs(runningImage));
  }

  /** Extension {@code name} is installed on each at {@code version} (see {@link FakeInstance#hasExtension}). */
  public FakeInstances hasExtension(String name, String version) {
    return each(i -> i.hasExtension(name, version));
  }

  /** Version {@code version} of extension {@code name} breaks each of them (see {@link FakeInstance#breaksWith}). */
  public FakeInstances breaksWith(String name, String version) {
    return each(i -> i.breaksWith(name, version));
  }

  /** Version {@code version} of extension {@code name} no longer breaks them (see {@link FakeInstance#noLongerBreaksWith}). */
  public FakeInstances noLongerBreaksWith(String name, String version) {
    return each(i -> i.noLongerBreaksWith(name, version));
  }

  /** Whether they run the scale set's latest model (see {@link FakeInstance#latestModelApplied}). */
  public FakeInstances latestModelApplied(boolean applied) {
    return each(i -> i.latestModelApplied(applied));
  }

  private FakeInstances each(Consumer<FakeInstance> script) {
    members.forEach(script);
    return this;
  }
}
