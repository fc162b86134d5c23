package net.dl4jnets.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.FashionCommand;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.report.PngAssert;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine;

class VisionTransformerTest {
    @Test
    void eachTokenKindGivesTenProbabilitiesPerImage() {
        for (var tokens : VisionTransformer.Tokens.values()) {
            var c = new VisionTransformer.Config(tokens, 7, 3, 2, 16, 2, 2, 0.1, Augmentation.NONE);
            ComputationGraph g = new ComputationGraph(VisionTransformer.graph(c, TrainingConfig.DEFAULTS));
            g.init();
            var in = tokens == VisionTransformer.Tokens.ROWS ? Nd4j.rand(DataType.FLOAT, 3, 28, 28)
                    : Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28);
            var out = g.outputSingle(in);
            assertArrayEquals(new long[] {3, 10}, out.shape(), tokens.toString());
            assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4);
        }
    }

    @Test
    void oneEpochOnFiveThousandImagesBeatsSixtyPercentAndDrawsItsAttention(@TempDir Path out) {
        var vit = FashionCommand.of(VisionTransformer.MODEL);
        Cli.commandLine(vit).parseArgs("--limit", "5000", "--epochs", "1", "--val-size", "500", "--patch", "7",
                "--batch-size", "32", "--lr", "0.003", "--dropout", "0", "--no-flip", "--shift", "0",
                "--workers", "1", // one replica learns more per epoch, and repeats itself
                "--out", out.toString());
        FashionTraining.Outcome o = vit.run(new StopSignal());
        assertTrue(o.testAccuracy() > 0.60, "test accuracy " + o.testAccuracy());
        PngAssert.valid(o.run().file("attention.png"), 600, 400);
    }

    @Test
    void settingsThatCannotWorkGetOneLineEach(@TempDir Path out) {
        String[][] cases = {{"--heads", "3", "--heads 3 must divide --width 64"}, {"--patch", "5", "--patch must divide 28"}};
        for (String[] c : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CommandLine cl = Cli.commandLine(FashionCommand.of(VisionTransformer.MODEL));
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute(c[0], c[1], "--out", out.toString()), err.toString());
            assertTrue(err.toString().contains(c[2]), err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
        }
    }
}
