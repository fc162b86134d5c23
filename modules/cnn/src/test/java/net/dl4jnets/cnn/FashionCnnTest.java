package net.dl4jnets.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.FashionCommand;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.engine.GradientChecks;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TrainingConfig;

class FashionCnnTest {
    static final TrainingConfig SEED_1 = TrainingConfig.DEFAULTS.withSeed(1);

    static FashionCnn.Config small(FashionCnn.Arch arch) {
        return new FashionCnn.Config(arch, 4, 1, 0.3, new Augmentation(true, 2), FashionCnn.Optimizer.ADAM, 0);
    }

    @ParameterizedTest
    @EnumSource(FashionCnn.Arch.class)
    void eachArchitectureGivesTenProbabilitiesForEachLayoutItAccepts(FashionCnn.Arch arch) {
        for (Layout layout : new Layout[] {Layout.CONV, Layout.DENSE}) {
            ComputationGraph g = new ComputationGraph(FashionCnn.graph(small(arch), SEED_1, layout));
            g.init();
            INDArray in = layout == Layout.CONV ? Nd4j.rand(3, 1, 28, 28) : Nd4j.rand(3, 784);
            INDArray out = g.outputSingle(in);
            assertArrayEquals(new long[] {3, 10}, out.shape(), arch + " " + layout);
            assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4, "rows are probability distributions");
        }
        assertThrows(IllegalArgumentException.class, () -> FashionCnn.graph(small(arch), SEED_1, Layout.SEQUENCE));
    }

    @ParameterizedTest
    @EnumSource(value = FashionCnn.Arch.class, names = {"MODERN", "RESNET"})
    void backpropMatchesFiniteDifferencesOnTinyConvAndResidualGraphs(FashionCnn.Arch arch) {
        // The architecture's own builder on 8x8 images: GradientCheckUtil checks every parameter, so keep them few.
        var conf = arch.graph(new FashionCnn.Config(arch, 2, 1, 0, Augmentation.NONE, FashionCnn.Optimizer.ADAM, 0),
                SEED_1, InputType.convolutional(16, 16, 1));
        INDArray labels = Nd4j.zeros(2, 10);
        labels.putScalar(0, 3, 1);
        labels.putScalar(1, 7, 1);
        assertTrue(GradientChecks.check(conf, Nd4j.rand(2, 1, 16, 16), labels), arch + " gradients");
    }

    @ParameterizedTest
    @EnumSource(FashionCnn.Arch.class)
    void theCachedForwardPassGivesTheGradientsOfARecomputedOne(FashionCnn.Arch arch) {
        var cached = FashionCnn.graph(new FashionCnn.Config(arch, 4, 1, 0, Augmentation.NONE,
                FashionCnn.Optimizer.ADAM, 0), SEED_1, Layout.CONV);
        var recomputed = cached.clone();
        recomputed.setCacheMode(CacheMode.NONE);
        assertEquals(CacheMode.DEVICE, cached.getCacheMode());
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28);
        INDArray y = Nd4j.eye(10).getRows(1, 4, 7, 9).castTo(DataType.FLOAT);
        INDArray[] gradients = new INDArray[2];
        INDArray start = null;
        for (int i = 0; i < 2; i++) {
            ComputationGraph g = new ComputationGraph(i == 0 ? cached : recomputed);
            g.init();
            if (start == null) {
                start = g.params().dup();
            } else {
                g.setParams(start);
            }
            for (int step = 0; step < 2; step++) { // the second step reads the first step's workspaces
                g.fit(new DataSet(x, y));
            }
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
            gradients[i] = g.gradient().gradient().dup();
        }
        assertTrue(gradients[0].equalsWithEps(gradients[1], 1e-6), arch + ": the cache changed the gradients");
    }

    @Test
    void residualNetworkAddsItsShortcuts() {
        var conf = FashionCnn.graph(small(FashionCnn.Arch.RESNET), SEED_1, Layout.CONV);
        assertEquals(3, conf.getVertices().keySet().stream().filter(n -> n.endsWith("_add")).count());
        assertEquals(2, conf.getVertexInputs().get("block2_add").size());
    }

    @Test
    void modernCnnLearnsFromAFiveThousandImageSubsetInOneEpoch(@TempDir Path out) throws Exception {
        var cnn = FashionCommand.of(FashionCnn.MODEL);
        Cli.commandLine(cnn).parseArgs("--limit", "5000", "--epochs", "1", "--val-size", "500",
                "--out", out.toString());
        FashionTraining.Outcome o = cnn.run(new StopSignal());
        assertTrue(o.testAccuracy() > 0.70, "test accuracy " + o.testAccuracy());
        // It trained with flips, so the report adds test-time mirroring.
        var mirrored = (Map<?, ?>) Json.read(o.run().dir().resolve("eval.json"), Map.class).get("mirror_tta");
        assertTrue(((Number) mirrored.get("accuracy")).doubleValue() > 0.70, "mirrored: " + mirrored);
        for (String png : new String[] {"filters.png", "loss.png", "confusion.png"}) {
            assertValidPng(o.run().dir().resolve(png));
        }
        try (var files = Files.list(o.run().dir())) {
            long maps = files.filter(p -> p.getFileName().toString().startsWith("features-")).peek(
                    FashionCnnTest::assertValidPng).count();
            assertEquals(2, maps, "one feature-map picture per stage of the modern CNN");
        }
    }

    static void assertValidPng(Path png) {
        try {
            BufferedImage img = ImageIO.read(png.toFile());
            assertTrue(img != null && img.getWidth() > 300 && img.getHeight() > 200, png + " is a readable picture");
        } catch (IOException e) {
            throw new AssertionError(png + ": " + e);
        }
    }

    @Test
    void theUpdateRuleAndWeightDecayAreDl4jsOwn(@TempDir Path dir) {
        var c = new FashionCnn.Config(FashionCnn.Arch.MODERN, 4, 1, 0.3, Augmentation.NONE,
                FashionCnn.Optimizer.NESTEROV, 5e-3);
        var conf = FashionCnn.graph(c, SEED_1.withLr(0.05), Layout.CONV);
        var conv = (BaseLayer) ((LayerVertex) conf.getVertices().get("s1c1")).getLayerConf().getLayer();
        var nesterov = assertInstanceOf(Nesterovs.class, conv.getIUpdater());
        assertEquals(0.05, nesterov.getLearningRate(0, 0), 0); // the schedule's first value (constant here)
        assertEquals(0.9, nesterov.getMomentum(), 0);
        var decay = assertInstanceOf(WeightDecay.class, conv.getRegularization().get(0));
        assertEquals(5e-3, decay.getCoeff().valueAt(0, 0), 0);
        var plain = (BaseLayer) ((LayerVertex) FashionCnn.graph(small(FashionCnn.Arch.MODERN), SEED_1, Layout.CONV)
                .getVertices().get("s1c1")).getLayerConf().getLayer();
        assertInstanceOf(Adam.class, plain.getIUpdater());
        assertTrue(plain.getRegularization().isEmpty(), "no decay unless asked");

        // A config.json written before the options existed reads as Adam without decay.
        Path old = dir.resolve("old.json");
        Json.write(Map.of("arch", "MODERN", "width", 32, "convs_per_stage", 2, "dropout", 0.25,
                "augmentation", Augmentation.NONE), old);
        FashionCnn.Config read = Json.read(old, FashionCnn.Config.class);
        assertEquals(FashionCnn.Optimizer.ADAM, read.optimizer());
        assertEquals(0, read.weightDecay(), 0);
    }

    @Test
    void rejectsBadOptions() {
        assertEquals(2, Cli.run(FashionCommand.of(FashionCnn.MODEL), "--weight-decay", "-1"));
        assertEquals(2, Cli.run(FashionCommand.of(FashionCnn.MODEL), "--optimizer", "rmsprop"));
        assertEquals(2, Cli.run(FashionCommand.of(FashionCnn.MODEL), "--arch", "vgg"));
        assertEquals(2, Cli.run(FashionCommand.of(FashionCnn.MODEL), "--width", "0"));
        assertEquals(2, Cli.run(FashionCommand.of(FashionCnn.MODEL), "--shift", "20"));
    }
}
