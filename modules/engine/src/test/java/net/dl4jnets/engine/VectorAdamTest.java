package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;


class VectorAdamTest {
    @BeforeAll
    static void backend() {
        KernelChecks.start(1);
    }

    /** Five steps of each updater on the same gradients: the same updates and the same state. */
    @Test
    void stepsAsNd4jsAdamDoesIncludingAGradientViewAtAnOffset() {
        int n = 1003; // whole vectors and a remainder
        for (int offset : new int[] {0, 7}) {
            Nd4j.getRandom().setSeed(offset);
            GradientUpdater<?> nd4j = new Adam(3e-3).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * n), true);
            GradientUpdater<?> ours = new VectorAdam(3e-3).instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2 * n), true);
            assertTrue(VectorApi.PRESENT, "the tests run with the Vector API");
            for (int step = 0; step < 5; step++) {
                INDArray g = Nd4j.randn(DataType.FLOAT, 1, n).muli(step + 1);
                INDArray a = g.dup();
                INDArray holder = Nd4j.zeros(DataType.FLOAT, 1, n + offset + 5);
                INDArray b = holder.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + n))
                        .reshape(1, n);
                b.assign(g);
                assertTrue(FloatAdam.usable(b, ours.getState().get("M"), ours.getState().get("V")),
                        "the vector pass runs, not ND4J's op");
                nd4j.applyUpdater(a, step, 0);
                int st = step;
                KernelChecks.ran(VectorAdam.class, () -> ours.applyUpdater(b, st, 0));
                assertClose(a, b, "update, step " + step + ", offset " + offset);
                assertEquals(0, holder.getFloat(0, offset + n), "nothing written past the view");
                for (String s : new String[] {"M", "V"}) {
                    assertClose(nd4j.getState().get(s), ours.getState().get(s), s + ", step " + step);
                }
            }
        }
    }

    @Test
    void aNetworkTrainsAsWithNd4jsAdamAndItsJsonKeepsTheClass() {
        INDArray[] params = new INDArray[2];
        IUpdater[] updaters = {new Adam(1e-2), new VectorAdam(1e-2)};
        Nd4j.getRandom().setSeed(3);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 32, 3);
        for (int i = 0; i < 32; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, 32, 6), labels);
        for (int k = 0; k < 2; k++) {
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(updaters[k])
                    .graphBuilder().addInputs("in")
                    .addLayer("dense", new DenseLayer.Builder().nIn(6).nOut(8).activation(Activation.TANH).build(),
                            "in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                            .activation(Activation.SOFTMAX).build(), "dense")
                    .setOutputs("out").build();
            ComputationGraphConfiguration reread = ComputationGraphConfiguration.fromJson(conf.toJson());
            var dense = (LayerVertex) reread.getVertices().get("dense");
            IUpdater u = ((BaseLayer) dense.getLayerConf().getLayer()).getIUpdater();
            assertEquals(updaters[k].getClass(), u.getClass(), "JSON keeps the updater's class");
            ComputationGraph graph = new ComputationGraph(reread);
            graph.init();
            for (int i = 0; i < 20; i++) {
                graph.fit(data);
            }
            params[k] = graph.params();
        }
        assertInstanceOf(VectorAdam.class, updaters[1].clone());
        assertClose(params[0], params[1], "parameters after 20 steps");
    }

    /** Equal within float rounding of the array's largest value. */
    static void assertClose(INDArray expected, INDArray actual, String what) {
        INDArray e = expected.reshape(expected.length()).castTo(DataType.DOUBLE);
        INDArray a = actual.reshape(actual.length()).castTo(DataType.DOUBLE);
        double tolerance = 1e-5 * e.amaxNumber().doubleValue(); // float rounding, where a sum nearly cancels too
        for (long i = 0; i < e.length(); i++) {
            assertEquals(e.getDouble(i), a.getDouble(i), tolerance, what + ", element " + i);
        }
    }
}
