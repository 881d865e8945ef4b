package dev.rollingupgrade.testkit;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a fresh {@link RolloutTestEnvironment} into each test method
 * (or constructor) asking for one, configured by {@link FleetOptions} on the method or class:
 *
 * <pre>{@code
 * @ExtendWith(RolloutTestExtension.class)
 * class MyDriverTest {
 *   @Test
 *   @FleetOptions(instances = 20, zones = 2)
 *   void rolls(RolloutTestEnvironment env) { ... }
 * }
 * }</pre>
 */
public final class RolloutTestExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RolloutTestEnvironment.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    FleetOptions options = find(context.getElement())
        .or(() -> context.getTestClass().flatMap(c -> find(Optional.of(c))))
        .orElse(null);
    RolloutTestEnvironment.Builder b = RolloutTestEnvironment.builder();
    if (options != null) {
      b.instances(options.instances()).zones(options.zones()).updateDomains(options.updateDomains()).seed(options.seed());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterResolutionException("bad @FleetOptions: " + e.getMessage(), e);
    }
  }

  private static Optional<FleetOptions> find(Optional<? extends AnnotatedElement> element) {
    return element.map(e -> e.getAnnotation(FleetOptions.class));
  }
}
