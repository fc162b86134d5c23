package net.dl4jnets.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.FashionCommand;
import net.dl4jnets.common.commands.Predict;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TrainingConfig;

class FashionMlpTest {
    @TempDir
    Path out;

    @Test
    void oneEpochOnFiveThousandImagesBeatsSeventyFivePercent() {
        var mlp = FashionCommand.of(FashionMlp.MODEL);
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
    void noTestEndsAtTheValidationFiguresWithoutReadingTheTestSplit() {
        var mlp = FashionCommand.of(FashionMlp.MODEL);
        Cli.commandLine(mlp).parseArgs("--limit", "2000", "--epochs", "1", "--val-size", "500", "--no-test",
                "--out", out.toString());
        FashionTraining.Outcome o = mlp.run(new StopSignal());
        assertNull(o.test(), "--no-test evaluated the test split");
        assertNotNull(o.best(), "the best epoch's model is still loaded");
        assertTrue(Files.isRegularFile(o.run().file("metrics.csv")));
        assertFalse(Files.exists(o.run().file("eval.json")), "eval.json holds test figures");
        assertFalse(Files.exists(o.run().file("confusion.png")), "the confusion matrix is drawn from the test split");
        assertTrue(RunConfig.read(o.run().dir()).training().noTest(), "config.json does not say the test was skipped");
    }

    @Test
    void twoWorkersTrainAModelThatPredictEvaluates() {
        var mlp = FashionCommand.of(FashionMlp.MODEL);
        Cli.commandLine(mlp).parseArgs("--limit", "5000", "--epochs", "2", "--val-size", "1000", "--workers", "2",
                "--out", out.toString());
        FashionTraining.Outcome o = mlp.run(new StopSignal());
        assertEquals(2, o.config().training().parallel().workers());
        assertTrue(o.config().backend().contains("2 workers of 1 thread"), o.config().backend());
        assertEquals(2, o.training().history().size());
        assertEquals(5000, o.training().history().get(1).examplesPerSecond() * o.training().history().get(1).seconds(),
                1.0, "every training image once per epoch");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true));
        int code;
        try {
            code = Cli.run(new Predict(), "--model", o.run().dir().toString());
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code, printed.toString());
        Matcher m = Pattern.compile("accuracy (0\\.\\d+)").matcher(printed.toString());
        assertTrue(m.find(), printed.toString());
        assertTrue(Double.parseDouble(m.group(1)) > 0.70, printed.toString());
    }

    @Test
    void rejectsImpossibleHiddenLayers() {
        assertEquals(2, Cli.run(FashionCommand.of(FashionMlp.MODEL), "--hidden", "128,0", "--out", out.toString()));
        assertEquals(2, Cli.run(FashionCommand.of(FashionMlp.MODEL), "--dropout", "1.5", "--out", out.toString()));
        var mlp = FashionMlp.MODEL;
        assertEquals(2, Cli.run(FashionCommand.of(mlp), "--input-dropout", "-0.1", "--out", out.toString()));
        assertEquals(2, Cli.run(FashionCommand.of(mlp), "--label-smoothing", "1", "--out", out.toString()));
    }

    @Test
    void thePixelsAndTheUnitsOfEveryHiddenLayerAreDroppedAsAsked() {
        var c = new FashionMlp.Config(List.of(8, 6), 0.1, 0.4, 0, false, Augmentation.NONE);
        var graph = FashionMlp.graph(c, TrainingConfig.DEFAULTS);
        // DL4J's dropout sits on the layer that reads the dropped values and holds the probability of keeping one
        Map<String, Double> keep = Map.of("hidden1", 0.9, "hidden2", 0.6, "classes", 0.6);
        keep.forEach((layer, p) -> {
            var d = (Dropout) ((BaseLayer) ((LayerVertex) graph.getVertices().get(layer)).getLayerConf().getLayer())
                    .getIDropout();
            assertEquals(p, d.getP(), 1e-12, layer);
        });
        // a record written before --input-dropout dropped the pixels at the --dropout rate
        var old = Json.GSON.fromJson("{\"hidden\": [8], \"dropout\": 0.25, \"l2\": 0, \"batch_norm\": false}",
                FashionMlp.Config.class);
        assertEquals(0.25, old.inputDropout(), 0.0);
    }
}
