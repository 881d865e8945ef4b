package dev.rollingupgrade.core.health;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where an instance's application answers probes: the user knows (a private IP from the network
 * interface, a DNS name, a port map of a local fleet), the SDK does not. Called for every probe, so
 * it should answer from memory; it must not block on I/O (return an unresolved address and the
 * probe resolves it). Must be thread-safe.
 */
@FunctionalInterface
public interface InstanceAddressResolver {
  /**
   * The address to probe for one instance.
   *
   * @param port the port of the health settings; a resolver may map it (one port per local process)
   * @return the address, or null when the instance is unknown (its health is then a failed stage)
   */
  InetSocketAddress address(String scaleSetName, String instanceId, int port);

  /** Every instance on this machine ({@code 127.0.0.1}) at the settings' port: for samples and tests. */
  static InstanceAddressResolver loopback() {
    return (scaleSetName, instanceId, port) -> new InetSocketAddress("127.0.0.1", port);
  }

  /**
   * The host {@code hostOfInstance} names (a name or an IP, e.g. from the instance's NIC), at the
   * settings' port; a null host is an unknown instance.
   *
   * @throws NullPointerException if {@code hostOfInstance} is null
   */
  static InstanceAddressResolver hosts(Function<String, String> hostOfInstance) {
    Objects.requireNonNull(hostOfInstance, "hostOfInstance");
    return (scaleSetName, instanceId, port) -> {
      String host = hostOfInstance.apply(instanceId);
      return host == null ? null : InetSocketAddress.createUnresolved(host, port);
    };
  }
}
