package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.engine.KernelChecks;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.Benchmark;
import net.dl4jnets.common.train.Checkpoints;

/**
 * Every registered architecture and benchmark model, built from its stock DL4J configuration, trains alike with the
 * stock engine and the fast one, and its saved file is stock DL4J; on any backend but the CPU's only stock classes run
 * and no Java pass touches ND4J's memory.
 *
 * <p>Dropout is taken out of both graphs: DL4J's output layer draws a second mask for its score, the fast one reuses
 * the step's own (SoftmaxOutput), so with dropout the two streams of random numbers part after the first step.
 * Tolerances, from what was measured: the first step's gradients agree to 2·10⁻⁴ of each parameter block's largest
 * gradient (float sums in another order, the LSTM's and attention's own exp), a block that is rounding noise only (a
 * convolution's bias before batch norm, the attention keys' bias: their true gradient is 0) against 10⁻⁴ of the
 * network's largest; after three Adam steps the losses agree to 10⁻³, and each parameter to 10⁻³ of its block's
 * largest value plus a tenth of the largest step the network took: Adam divides by the gradient's own size, so a
 * gradient at rounding level can move a weight by a whole step in either engine (measured: 3.9·10⁻⁴ in the modern
 * CNN's dense layer, where the network moved 6·10⁻³).
 *
 * <p>The character LSTM is compared over one segment of truncated BPTT. From the second segment on the two differ by
 * design: DL4J's graph differentiates its LSTM from a recomputed pass, the fused LSTM the pass that gave the loss
 * (docs/engine.md); measured with SGD at 10⁻³, the first segment agrees to 10⁻⁷, the second's recurrent weight
 * gradients by half.
 */
class EngineTest {
    private static final int BATCH = 6;
    private static final String CUDA = "org.nd4j.linalg.jcublas.JCublasBackend";

    record Model(String name, ComputationGraphConfiguration conf, long[] input, long[] labels) {}

    @AfterEach
    void restoreEngine() {
        Engine.choose(Engine.Choice.FAST);
        Engine.seeBackend(null);
    }

    static List<Model> models() {
        Backend.start(1, Backend.Workload.DENSE);
        List<Model> all = new ArrayList<>();
        for (Architecture a : Architecture.registered()) {
            if (a.id().equals("broken")) { // BrokenArchitectures, this module's test of a model that cannot build
                continue;
            }
            var spec = a.spec().apply(a.training().withSeed(7));
            all.add(new Model(a.id(), spec.graph(), spec.layout().shape(BATCH),
                    new long[] {BATCH, FashionMnist.CLASSES}));
        }
        for (Benchmark b : Benchmark.registered()) {
            ComputationGraphConfiguration conf = b.graph(7);
            // one segment of truncated BPTT: from the second on the two differ by design (see the class comment)
            int steps = b.text() == null ? 0 : conf.getBackpropType() == BackpropType.TruncatedBPTT
                    ? Math.min(conf.getTbpttFwdLength(), b.text().steps()) : b.text().steps();
            long[] in = b.text() != null ? new long[] {BATCH, b.text().vocabulary(), steps} : b.layout().shape(BATCH);
            all.add(new Model("speed " + b.id(), conf, in,
                    b.text() != null ? in : new long[] {BATCH, FashionMnist.CLASSES}));
        }
        return all;
    }

    @TestFactory
    Stream<DynamicTest> stockAndFastTrainAlikeAndSaveStockFiles(@TempDir Path dir) {
        return models().stream().map(m -> dynamicTest(m.name(), () -> stockAndFast(m, dir)));
    }

    @TestFactory
    Stream<DynamicTest> anotherBackendRunsStockClassesOnly() {
        return models().stream().map(m -> dynamicTest(m.name(), () -> {
            Engine.seeBackend(CUDA);
            assertFalse((Engine.runs() == Engine.Choice.FAST));
            assertTrue(Engine.line().startsWith("engine: stock DL4J"), Engine.line());
            ComputationGraph g = Engine.network(withoutDropout(m.conf()));
            g.init();
            assertStock(g, m.name());
            long before = Engine.passes();
            g.fit(data(m));
            g.output(false, data(m).getFeatures());
            assertEquals(before, Engine.passes(), m.name() + ": a direct pass ran with another backend");
        }));
    }

    @Test
    void batchesAreReadAsDl4jReadsThemOnAnotherBackend() {
        ImageSet set = new ImageSet(new byte[5 * FashionMnist.PIXELS], new byte[] {0, 1, 2, 3, 4});
        var options = new ImageBatches.Options(Layout.CONV, 3, false, 1, null, null); // a batch of 3, then of 2
        Engine.seeBackend(CUDA);
        long before = Engine.passes();
        ImageBatches stockBatches = new ImageBatches(set.all(), options);
        List<DataSet> stock = List.of(Engine.next(stockBatches), Engine.next(stockBatches));
        assertEquals(before, Engine.passes());
        assertFalse(stock.get(0).getFeatures().isAttached(), "a stock batch lives outside the suite's workspace ring");
        Engine.seeBackend(null);
        ImageBatches fastBatches = new ImageBatches(set.all(), options);
        for (DataSet d : stock) {
            DataSet fast = Engine.next(fastBatches);
            assertEquals(d.getLabels(), fast.getLabels());
            assertArrayEquals(new long[] {d.numExamples(), 1, 28, 28}, fast.getFeatures().shape());
        }
        assertEquals(2, stock.get(1).numExamples());
        assertTrue(Engine.passes("BatchWorkspace") > 0);
    }

    private static void stockAndFast(Model m, Path dir) throws Exception {
        ComputationGraphConfiguration conf = withoutDropout(m.conf());
        DataSet data = data(m);

        Engine.choose(Engine.Choice.STOCK);
        ComputationGraph stock = new ComputationGraph(Engine.plan(conf).configuration());
        stock.init();
        assertStock(stock, m.name());
        Map<String, INDArray> stockGrad = KernelChecks.gradient(stock, data.getFeatures(), data.getLabels(), 1);

        Engine.choose(Engine.Choice.FAST);
        ComputationGraph fast = new ComputationGraph(Engine.plan(conf).configuration());
        fast.init();
        assertNotEquals(stock.getConfiguration().toJson(), fast.getConfiguration().toJson(),
                m.name() + ": the fast engine changed nothing");
        assertEquals(stock.params(), fast.params(), m.name() + ": the same seed, the same initial weights");
        long before = Engine.passes();
        Map<String, INDArray> fastGrad = KernelChecks.gradient(fast, data.getFeatures(), data.getLabels(), 1);
        assertTrue(Engine.passes() > before, m.name() + ": no kernel of the fast engine ran");
        assertEquals(stock.score(), fast.score(), 1e-4 * Math.max(1, Math.abs(stock.score())), m.name() + " loss");
        assertEquals(stockGrad.keySet(), fastGrad.keySet(), m.name());
        double largestGradient = stockGrad.values().stream().mapToDouble(g -> g.amaxNumber().doubleValue()).max()
                .orElseThrow();
        for (String p : stockGrad.keySet()) {
            assertClose(stockGrad.get(p), fastGrad.get(p), 2e-4, 1e-4 * largestGradient,
                    m.name() + " gradient of " + p);
        }
        INDArray start = stock.params().dup();

        for (int step = 0; step < 3; step++) {
            Engine.choose(Engine.Choice.STOCK);
            stock.fit(data);
            Engine.choose(Engine.Choice.FAST);
            fast.fit(data);
            assertEquals(stock.score(), fast.score(), 1e-3 * Math.max(1, Math.abs(stock.score())),
                    m.name() + " loss after step " + (step + 1));
        }
        double largestStep = stock.params().sub(start).amaxNumber().doubleValue();
        Map<String, INDArray> sp = stock.paramTable();
        Map<String, INDArray> fp = fast.paramTable();
        for (String p : sp.keySet()) {
            assertClose(sp.get(p), fp.get(p), 1e-3, 0.1 * largestStep, m.name() + " parameter " + p + " after 3 steps");
        }

        // the file is stock DL4J and predicts what the fast graph predicts
        Path file = dir.resolve(m.name().replace(' ', '-') + ".zip");
        Checkpoints.saveModel(fast, file);
        Engine.choose(Engine.Choice.STOCK);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file.toFile(), true);
        assertStock(restored, m.name() + " restored");
        assertFalse(restored.getConfiguration().toJson().contains("net.dl4jnets.common"), m.name());
        assertEquals(fast.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray(),
                m.name() + ": the updater state is saved as it was");
        assertEquals(3, restored.getConfiguration().getIterationCount(), m.name() + ": Adam's step count is saved");
        INDArray expected;
        Engine.choose(Engine.Choice.FAST);
        expected = fast.output(false, data.getFeatures())[0];
        Engine.choose(Engine.Choice.STOCK);
        INDArray actual = restored.output(false, data.getFeatures())[0];
        assertClose(expected, actual, 1e-4, 0, m.name() + " restored outputs");
        if (expected.rank() == 2) {
            assertArrayEquals(Nd4j.argMax(expected, 1).toIntVector(), Nd4j.argMax(actual, 1).toIntVector(),
                    m.name() + " restored classes");
        }
        Files.delete(file);
    }

    /** Per parameter block: the largest difference, at most {@code relative} of the block's largest value + {@code absolute}. */
    static void assertClose(INDArray expected, INDArray actual, double relative, double absolute, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= relative * scale + absolute + 1e-12,
                what + ": differs by " + diff + " at scale " + scale + " (+" + absolute + ")");
    }

    static DataSet data(Model m) {
        Random r = new Random(11);
        INDArray x;
        INDArray y;
        if (m.input().length == 3 && m.labels().length == 3) { // characters: one-hot in, next one-hot out
            x = oneHot(r, m.input());
            y = oneHot(r, m.labels());
        } else {
            x = KernelChecks.uniform(11, DataType.FLOAT, 0, 1, m.input());
            y = oneHot(r, m.labels());
        }
        return new DataSet(x, y);
    }

    /** [batch, classes] or [batch, vocabulary, steps] with one 1 per example (and step). */
    private static INDArray oneHot(Random r, long[] shape) {
        INDArray a = Nd4j.zeros(DataType.FLOAT, shape);
        for (int n = 0; n < shape[0]; n++) {
            if (shape.length == 2) {
                a.putScalar(n, r.nextInt((int) shape[1]), 1);
            } else {
                for (int t = 0; t < shape[2]; t++) {
                    a.putScalar(new long[] {n, r.nextInt((int) shape[1]), t}, 1);
                }
            }
        }
        return a;
    }

    static ComputationGraphConfiguration withoutDropout(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = conf.clone();
        for (var v : c.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                var layer = lv.getLayerConf().getLayer();
                layer.setIDropout(null);
                if (layer instanceof Bidirectional b) {
                    b.getFwd().setIDropout(null);
                    b.getBwd().setIDropout(null);
                }
            }
        }
        return c;
    }

    /** Every layer, activation and updater of the graph is DL4J's, but for the attention layers DL4J lacks. */
    static void assertStock(ComputationGraph g, String what) {
        for (var e : g.getConfiguration().getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv) {
                var layer = lv.getLayerConf().getLayer();
                List<Object> parts = new ArrayList<>(List.of(layer));
                if (layer instanceof Bidirectional b) {
                    parts.add(b.getFwd());
                    parts.add(b.getBwd());
                }
                for (Object p : List.copyOf(parts)) {
                    if (p instanceof BaseLayer base) {
                        parts.add(base.getActivationFn());
                        parts.add(base.getIUpdater());
                        parts.add(base.getBiasUpdater());
                    } else if (p instanceof ActivationLayer a) {
                        parts.add(a.getActivationFn());
                    } else if (p instanceof AbstractSameDiffLayer s) {
                        parts.add(s.getUpdater());
                        parts.add(s.getBiasUpdater());
                    }
                }
                for (Object p : parts) {
                    if (p != null) {
                        String name = p.getClass().getName();
                        assertTrue(name.startsWith("org.deeplearning4j.") || name.startsWith("org.nd4j.")
                                        || name.startsWith("net.dl4jnets.layers."),
                                what + ": vertex " + e.getKey() + " holds " + name);
                    }
                }
            }
        }
        for (Layer l : g.getLayers()) {
            String name = l.getClass().getName();
            assertTrue(name.startsWith("org.deeplearning4j.") || name.startsWith("net.dl4jnets.layers."),
                    what + ": runs " + name);
        }
    }
}
