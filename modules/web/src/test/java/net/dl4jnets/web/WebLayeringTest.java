package net.dl4jnets.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The pages find trained models in the runs folder and through the registry, never by a model module's class. */
class WebLayeringTest {
    @Test
    void thePagesNameNoModelClass() {
        noClasses().that().resideInAPackage("net.dl4jnets.web..")
                .should().dependOnClassesThat().resideInAnyPackage("net.dl4jnets.cnn..", "net.dl4jnets.rnn..",
                        "net.dl4jnets.attention..", "net.dl4jnets.compare..", "net.dl4jnets.spark..")
                .because("a model trained by any module, now or later, is tried the same way")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("net.dl4jnets"));
    }
}
