package io.stratadb.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The API wall: the server uses only the engine's public API package, {@code io.stratadb}. */
class ApiBoundaryTest {

  /** Classes in {@code packages} may use of StrataDB only {@code io.stratadb} and the server itself. */
  private static ArchRule onlyPublicApi(String packages) {
    return noClasses().that().resideInAPackage(packages)
        .should().dependOnClassesThat(resideInAPackage("io.stratadb..")
            .and(not(resideInAnyPackage("io.stratadb", "io.stratadb.server.."))))
        .because("the server must work through the public API, like any application");
  }

  @Test
  void theServerUsesOnlyThePublicApi() {
    onlyPublicApi("io.stratadb.server..").check(new ClassFileImporter().importPackages("io.stratadb.server"));
  }

  /** The rule is not vacuous: applied to the engine's admin package, which wraps internals, it finds them. */
  @Test
  void theRuleCatchesAnInternalImport() {
    assertTrue(onlyPublicApi("io.stratadb.admin..")
        .evaluate(new ClassFileImporter().importPackages("io.stratadb.admin")).hasViolation());
  }
}
