package io.stratadb.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The API wall: the CLI (its main and test classes) uses only the engine's public API, {@code
 * io.stratadb} and {@code io.stratadb.admin}, plus {@code io.stratadb.server} for {@code serve}; never
 * the engine's internal packages ({@code key}, {@code manifest}, {@code sstable}, ...).
 */
class ApiBoundaryTest {

  /** Classes in {@code packages} may use of StrataDB only the API packages and the CLI itself. */
  private static ArchRule onlyPublicApi(String packages) {
    return noClasses().that().resideInAPackage(packages)
        .should().dependOnClassesThat(resideInAPackage("io.stratadb..")
            .and(not(resideInAnyPackage("io.stratadb", "io.stratadb.admin", "io.stratadb.server", "io.stratadb.cluster", "io.stratadb.cli.."))))
        .because("the CLI must work through the public API (io.stratadb, io.stratadb.admin) and the server");
  }

  @Test
  void theCliUsesOnlyThePublicApi() {
    onlyPublicApi("io.stratadb.cli..").check(new ClassFileImporter().importPackages("io.stratadb.cli"));
  }

  /** The rule is not vacuous: applied to the admin package, which wraps internals, it finds them. */
  @Test
  void theRuleCatchesAnInternalImport() {
    JavaClasses admin = new ClassFileImporter().importPackages("io.stratadb.admin");
    assertTrue(onlyPublicApi("io.stratadb.admin..").evaluate(admin).hasViolation());
  }
}
