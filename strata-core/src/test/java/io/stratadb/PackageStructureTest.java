package io.stratadb;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The engine's package structure, checked on its main classes (what {@code jdeps} shows): no
 * package cycle, counting the API package {@code io.stratadb} as a package like the others (it
 * reaches the engine through {@link DbProvider}, never by name), and the API package names no
 * engine package but the file-system interface and the byte coding it shares.
 */
class PackageStructureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.stratadb");

  /** Every package of strata-core is a slice of its own, the root package included. */
  private static final SliceAssignment EACH_PACKAGE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String name = javaClass.getPackageName();
      return name.startsWith("io.stratadb") ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the packages of strata-core";
    }
  };

  private static ArchRule noPackageCycle() {
    return slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles();
  }

  @Test
  void noPackageCycle_inTheEngine() {
    noPackageCycle().check(MAIN);
  }

  /** The check is not vacuous: the test classes, which reach across packages freely, have cycles. */
  @Test
  void theCycleCheckFindsACycleWhereThereIsOne() {
    JavaClasses withTests = new ClassFileImporter().importPackages("io.stratadb");
    assertTrue(noPackageCycle().evaluate(withTests).hasViolation());
  }

  @Test
  void theApiPackageUsesOnlyTheFileSystemInterfaceAndTheByteCoding() {
    noClasses().that().resideInAPackage("io.stratadb")
        .should().dependOnClassesThat().resideOutsideOfPackages("io.stratadb", "io.stratadb.env", "io.stratadb.util",
            "java..", "javax..")
        .check(MAIN);
  }
}
