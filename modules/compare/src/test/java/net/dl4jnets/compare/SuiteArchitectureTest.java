package net.dl4jnets.compare;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import net.dl4jnets.common.cli.NetsCommand;

/**
 * Rules over every module of the suite: the command line stays in the commands, and the functions that build a
 * network ({@code graph(...)} returning a {@link ComputationGraphConfiguration}) know nothing of files, plots or the
 * command line, so that compare, the benchmark, tests and a user's own code can call them.
 */
class SuiteArchitectureTest {
    static final JavaClasses SUITE = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("net.dl4jnets");

    /** A class that builds graphs: it has a method returning a ComputationGraphConfiguration. */
    static final DescribedPredicate<JavaClass> BUILDS_GRAPHS = DescribedPredicate.describe("build graphs",
            c -> c.getMethods().stream().anyMatch(m -> m.getRawReturnType().isEquivalentTo(ComputationGraphConfiguration.class)));

    @Test
    void onlyCommandsSeePicocli() {
        noClasses().that().resideOutsideOfPackages("net.dl4jnets.common.cli..", "net.dl4jnets.common.commands..")
                .and().areNotAssignableTo(NetsCommand.class)
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .because("options are turned into records by the commands; models and the loop never parse them")
                .check(SUITE);
    }

    @Test
    void graphBuildersKnowNothingOfFilesPlotsOrTheCommandLine() {
        noClasses().that(BUILDS_GRAPHS).and().areNotAssignableTo(NetsCommand.class)
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "net.dl4jnets.common.cli..",
                        "net.dl4jnets.common.commands..", "net.dl4jnets.common.report..", "java.nio.file..",
                        "org.knowm.xchart..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
                .orShould().dependOnClassesThat().haveNameMatching("net\\.dl4jnets\\.common\\.(io\\.(AtomicFiles|Json)"
                        + "|train\\.(Checkpoints|RunFolder|RunConfig|TrainingRuns|FashionTraining))")
                .check(SUITE);
    }
}
