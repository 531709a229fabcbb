package org.deeptoy.kernel;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.deeptoy.kernel.wire.CellOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel's packages import one way only, read from the compiled classes: {@code wire} (the Jupyter
 * protocol) and {@code jshell} (evaluation) import nothing else of the kernel, {@code display} only
 * {@code render} and the cell's output ({@link CellOutput}), {@code render} only the engine; the
 * kernel's own package puts them together.
 */
class PackagesTest {
    private static final String ROOT = "org.deeptoy.kernel";
    private static final String WIRE = ROOT + ".wire..";
    private static final String JSHELL = ROOT + ".jshell..";
    private static final String DISPLAY = ROOT + ".display..";
    private static final String RENDER = ROOT + ".render..";

    private static JavaClasses kernel;

    @BeforeAll
    static void read() {
        kernel = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void wireImportsNothingElseOfTheKernel() {
        noClasses().that().resideInAPackage(WIRE)
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, JSHELL, DISPLAY, RENDER)
                .check(kernel);
    }

    @Test
    void jshellImportsNothingElseOfTheKernel() {
        noClasses().that().resideInAPackage(JSHELL)
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, WIRE, DISPLAY, RENDER)
                .check(kernel);
    }

    @Test
    void displayImportsOnlyRenderAndTheCellsOutput() {
        noClasses().that().resideInAPackage(DISPLAY)
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, JSHELL)
                .check(kernel);
        noClasses().that().resideInAPackage(DISPLAY)
                .should().dependOnClassesThat(resideInAPackage(WIRE).and(not(equivalentTo(CellOutput.class))))
                .check(kernel);
    }

    @Test
    void renderImportsOnlyTheEngine() {
        noClasses().that().resideInAPackage(RENDER)
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, WIRE, JSHELL, DISPLAY)
                .check(kernel);
    }

    @Test
    void noPackageReadsTheCourse() {
        noClasses().that().resideInAPackage(ROOT + "..")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeptoy.course..")
                .check(kernel);
    }

    @Test
    void subpackagesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(kernel);
    }
}
