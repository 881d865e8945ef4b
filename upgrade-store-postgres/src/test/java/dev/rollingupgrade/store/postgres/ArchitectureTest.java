package dev.rollingupgrade.store.postgres;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The store is a library: it talks JDBC through the user's DataSource (never a driver's or a
 * pool's classes, never the embedded server of the tests), knows nothing of the testkit, and
 * does not print.
 */
@AnalyzeClasses(packages = "dev.rollingupgrade.store.postgres", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule onlyJdbc = noClasses().should().dependOnClassesThat().resideInAnyPackage(
      "org.postgresql..", "com.zaxxer..", "io.zonky..", "dev.rollingupgrade.testkit..");

  @ArchTest
  static final ArchRule noPrinting = noClasses().should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);
}
