package dev.rollingupgrade.testkit;

import static com.tngtech.archunit.base.DescribedPredicate.anyElementThat;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import dev.rollingupgrade.core.time.SystemScheduler;
import java.time.Instant;
import java.util.Random;

/** The module and package rules of DESIGN §1, checked on the compiled library classes. */
@AnalyzeClasses(packages = "dev.rollingupgrade", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String API = "dev.rollingupgrade.api..";
  private static final String CORE = "dev.rollingupgrade.core..";
  private static final String TESTKIT = "dev.rollingupgrade.testkit..";

  @ArchTest
  static final ArchRule apiDependsOnNoCoreOrTestkit = noClasses().that().resideInAPackage(API)
      .should().dependOnClassesThat().resideInAnyPackage(CORE, TESTKIT);

  @ArchTest
  static final ArchRule coreNeverDependsOnTestkit = noClasses().that().resideInAPackage(CORE)
      .should().dependOnClassesThat().resideInAPackage(TESTKIT);

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.rollingupgrade.(**)")
      .should().beFreeOfCycles();

  @ArchTest
  static final ArchRule libraryCodeDoesNotPrint = noClasses().that().resideInAnyPackage(API, CORE, TESTKIT)
      .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);

  @ArchTest
  static final ArchRule libraryCodeLogsOnlyThroughSlf4j = noClasses().that().resideInAnyPackage(API, CORE, TESTKIT)
      .should(GeneralCodingRules.USE_JAVA_UTIL_LOGGING);

  @ArchTest
  static final ArchRule spisLiveInTheSpiPackage = classes().that().haveSimpleNameEndingWith("Driver")
      .or().haveSimpleNameEndingWith("Signal").or().haveSimpleNameEndingWith("Catalog")
      .and().areInterfaces().and().resideInAPackage(API)
      .should().resideInAPackage("dev.rollingupgrade.api.spi");

  @ArchTest
  static final ArchRule apiSignaturesExposeNoInternalType = methods().that().arePublic()
      .and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
      .should().notHaveRawReturnType(resideInAPackage("..internal.."))
      .andShould().notHaveRawParameterTypes(anyElementThat(resideInAPackage("..internal..")));

  /** Generated {@code ImmutableX} classes and their builders are Immutables' internals, not API. */
  private static final DescribedPredicate<JavaClass> GENERATED = DescribedPredicate.describe("a generated Immutable* type",
      c -> c.getName().matches(".*\\.Immutable[A-Z][^.]*"));

  @ArchTest
  static final ArchRule publicSignaturesExposeNoGeneratedType = methods().that().arePublic()
      .and().areDeclaredInClassesThat(DescribedPredicate.not(GENERATED))
      .should().notHaveRawReturnType(GENERATED)
      .andShould().notHaveRawParameterTypes(anyElementThat(GENERATED));

  @ArchTest
  static final ArchRule coreReadsTimeOnlyThroughTheScheduler = noClasses().that().resideInAPackage(CORE)
      .and().doNotHaveFullyQualifiedName(SystemScheduler.class.getName())
      .should().callMethod(Instant.class, "now")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().callMethod(Thread.class, "sleep", long.class)
      .orShould().callConstructor(Random.class)
      .orShould().callConstructor(Thread.class, Runnable.class)
      .orShould().callMethod(java.time.Clock.class, "systemUTC");
}
