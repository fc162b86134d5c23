package net.dl4jnets.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The packages of common depend one way, lowest first: io → data, backend → report → eval → train → cli →
 * commands. A class may use its own layer and those below it, never one above. (Below them all lie the engine and
 * the layers, other modules: ModuleLayeringTest in compare.)
 */
class LayeringTest {
    static final JavaClasses COMMON = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("net.dl4jnets.common");

    @Test
    void packagesDependOneWayDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("io").definedBy("net.dl4jnets.common.io..")
                .layer("data").definedBy("net.dl4jnets.common.data..")
                .layer("backend").definedBy("net.dl4jnets.common.backend..")
                .layer("report").definedBy("net.dl4jnets.common.report..")
                .layer("eval").definedBy("net.dl4jnets.common.eval..")
                .layer("train").definedBy("net.dl4jnets.common.train..")
                .layer("cli").definedBy("net.dl4jnets.common.cli..")
                .layer("commands").definedBy("net.dl4jnets.common.commands..")
                .whereLayer("commands").mayNotBeAccessedByAnyLayer()
                .whereLayer("cli").mayOnlyBeAccessedByLayers("commands")
                .whereLayer("train").mayOnlyBeAccessedByLayers("cli", "commands")
                .whereLayer("eval").mayOnlyBeAccessedByLayers("train", "cli", "commands")
                .whereLayer("report").mayOnlyBeAccessedByLayers("eval", "train", "cli", "commands")
                .whereLayer("backend").mayOnlyBeAccessedByLayers("eval", "train", "cli", "commands")
                .whereLayer("data").mayOnlyBeAccessedByLayers("eval", "train", "cli", "commands")
                .check(COMMON);
    }

    @Test
    void onlyTheCommandLayerSeesPicocli() {
        noClasses().that().resideOutsideOfPackages("net.dl4jnets.common.cli..", "net.dl4jnets.common.commands..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .because("the command line is turned into records at the top; nothing below parses it")
                .check(COMMON);
    }

    @Test
    void nothingBelowTheCommandLayerEndsTheProcess() {
        noClasses().that().resideOutsideOfPackages("net.dl4jnets.common.cli..", "net.dl4jnets.common.commands..")
                .should().callMethod(System.class, "exit", int.class)
                .orShould().callMethod(Runtime.class, "halt", int.class)
                .orShould().callMethod(Runtime.class, "exit", int.class)
                .because("a stopped run is an outcome; only the command layer turns it into an exit code")
                .check(COMMON);
    }
}
