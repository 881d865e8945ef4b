package dev.rollingupgrade.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The fake fleet a {@link RolloutTestExtension} builds for a test method or class. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface FleetOptions {
  /** Instances; default 10. */
  int instances() default 10;

  /** Zones (0: regional); default 1. */
  int zones() default 1;

  /** Update domains; default 5. */
  int updateDomains() default 5;

  /** Seed of the fleet's randomness; default 0. */
  long seed() default 0;
}
