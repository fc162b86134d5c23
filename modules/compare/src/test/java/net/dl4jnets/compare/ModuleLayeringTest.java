package net.dl4jnets.compare;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import net.dl4jnets.engine.Engine;

/**
 * The modules depend one way, lowest first: layers (DL4J alone) → engine → common → the models → compare and web, and
 * whether a kernel runs is decided by the engine alone, behind its one door.
 */
class ModuleLayeringTest {
    static final JavaClasses SUITE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("net.dl4jnets");

    @Test
    void theLayersNeedDl4jAlone() {
        noClasses().that().resideInAPackage("net.dl4jnets.layers..")
                .should().dependOnClassesThat().resideOutsideOfPackages("net.dl4jnets.layers..", "org.deeplearning4j..",
                        "org.nd4j..", "java..", "lombok..")
                .because("an application that loads a week-5 model adds the layers jar to DL4J and ND4J, nothing more")
                .check(SUITE);
    }

    @Test
    void theEngineSitsBelowEverythingThatTrains() {
        noClasses().that().resideInAPackage("net.dl4jnets.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("net.dl4jnets.common..", "net.dl4jnets.mlp..",
                        "net.dl4jnets.cnn..", "net.dl4jnets.rnn..", "net.dl4jnets.attention..",
                        "net.dl4jnets.compare..", "net.dl4jnets.spark..")
                .because("the engine takes a configuration and returns what runs; it knows no command, run or model")
                .check(SUITE);
        noClasses().that().resideInAPackage("net.dl4jnets.common..")
                .should().dependOnClassesThat().resideInAnyPackage("net.dl4jnets.mlp..", "net.dl4jnets.cnn..",
                        "net.dl4jnets.rnn..", "net.dl4jnets.attention..", "net.dl4jnets.compare..",
                        "net.dl4jnets.spark..")
                .because("common finds the models through the registry, never by name")
                .check(SUITE);
    }

    @Test
    void theWebServesTheCourseFromAbove() {
        noClasses().that().resideOutsideOfPackage("net.dl4jnets.web..")
                .should().dependOnClassesThat().resideInAPackage("net.dl4jnets.web..")
                .because("the pages sit on top: no model, loop or command needs a server (WebLayeringTest: and the "
                        + "pages name no model class)")
                .check(SUITE);
    }

    @Test
    void onlyTheEngineDecidesWhetherAKernelRuns() {
        noClasses().that().resideOutsideOfPackage("net.dl4jnets.engine..")
                .should().callMethod(Engine.class, "runs")
                .because("what runs a network is the engine's plan for it (Engine.plan); outside, read the plan")
                .check(SUITE);
    }
}
