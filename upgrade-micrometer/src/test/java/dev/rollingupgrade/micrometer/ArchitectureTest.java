package dev.rollingupgrade.micrometer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.time.Instant;

/**
 * Micrometer stays in this module: the API and the core (both on this module's class path, next to
 * Micrometer) never use it, and the metrics read time only from the events.
 */
@AnalyzeClasses(packages = "dev.rollingupgrade", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String METRICS = "dev.rollingupgrade.micrometer..";

  @ArchTest
  static final ArchRule apiAndCoreAreFreeOfMicrometer = noClasses()
      .that().resideInAnyPackage("dev.rollingupgrade.api..", "dev.rollingupgrade.core..")
      .should().dependOnClassesThat().resideInAPackage("io.micrometer..");

  @ArchTest
  static final ArchRule metricsDependOnTheApiOnly = noClasses().that().resideInAPackage(METRICS)
      .should().dependOnClassesThat().resideInAnyPackage("dev.rollingupgrade.core..", "dev.rollingupgrade.testkit..");

  @ArchTest
  static final ArchRule metricsReadNoClock = noClasses().that().resideInAPackage(METRICS)
      .should().callMethod(Instant.class, "now")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().dependOnClassesThat().haveFullyQualifiedName("io.micrometer.core.instrument.Clock");

  @ArchTest
  static final ArchRule metricsDoNotPrint = noClasses().that().resideInAPackage(METRICS)
      .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);
}
