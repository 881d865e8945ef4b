package dev.rollingupgrade.api.spi;

/** Something that can be called off: a scheduled task or a health subscription. */
@FunctionalInterface
public interface Cancellable {
  /** Calls it off; calling again, or after it ran, does nothing. */
  void cancel();
}
