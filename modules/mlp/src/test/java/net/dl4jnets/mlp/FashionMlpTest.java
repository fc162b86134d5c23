package net.dl4jnets.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.StopSignal;

class FashionMlpTest {
    @TempDir
    Path out;

    @Test
    void oneEpochOnFiveThousandImagesBeatsSeventyFivePercent() {
        FashionMlp.Command mlp = new FashionMlp.Command();
        Cli.commandLine(mlp).parseArgs("--limit", "5000", "--epochs", "1", "--val-size", "1000",
                "--out", out.toString());
        FashionTraining.Outcome o = mlp.run(new StopSignal());
        assertTrue(o.testAccuracy() > 0.75, "test accuracy " + o.testAccuracy());
        for (String f : new String[] {"config.json", "metrics.csv", "model.zip", "eval.json", "loss.png",
                "accuracy.png", "confusion.png", "misclassified.png"}) {
            assertTrue(Files.isRegularFile(o.run().file(f)), f + " missing in " + o.run().dir());
        }
    }

    @Test
    void rejectsImpossibleHiddenLayers() {
        assertEquals(2, Cli.run(new FashionMlp.Command(), "--hidden", "128,0", "--out", out.toString()));
        assertEquals(2, Cli.run(new FashionMlp.Command(), "--dropout", "1.5", "--out", out.toString()));
    }
}
