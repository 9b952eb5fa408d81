package io.labforge.common;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** No package of this module depends, through others, on itself: features and the core they plug into stay layered. */
class PackageStructureTest {
    @Test
    void packagesHaveNoCycles() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.labforge.common");
        slices().matching("io.labforge.common.(**)").should().beFreeOfCycles().check(classes);
    }
}
