package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class VectorReluTest {
    static final IActivation DL4J = Activation.RELU.getActivationFunction();

    /** z with exact zeros among its values (the gradient is 0 there, as DL4J's), and dL/da. */
    static INDArray[] arrays(DataType type, char order, long... shape) {
        INDArray z = KernelChecks.uniform(5, type, -0.5, 0.5, shape).dup(order);
        z.putScalar(0, 0.0);
        z.putScalar(z.length() - 1, 0.0);
        return new INDArray[] {z, KernelChecks.uniform(6, type, -0.5, 0.5, shape).dup(order)};
    }

    static void assertSameAsDl4j(INDArray z, INDArray eps, String what) {
        INDArray expected = DL4J.backprop(z.dup(z.ordering()), eps).getFirst();
        INDArray gotZ = z.dup(z.ordering());
        INDArray got = new VectorRelu().backprop(gotZ, eps).getFirst();
        assertEquals(expected, got, what);
        assertEquals(DL4J.getActivation(z.dup(), true), new VectorRelu().getActivation(z.dup(), true), what);
    }

    @Test
    void givesDl4jsReluAndGradientForEveryLayout() {
        // 4·5·7 = 140 values: vectors and a tail
        for (char order : new char[] {'c', 'f'}) {
            INDArray[] a = arrays(DataType.FLOAT, order, 4, 5, 7);
            KernelChecks.ran(VectorRelu.class, () -> assertSameAsDl4j(a[0], a[1], "float " + order));
        }
        INDArray[] d = arrays(DataType.DOUBLE, 'c', 4, 5, 7);
        assertSameAsDl4j(d[0], d[1], "double (ND4J's operations)");
        // a view at an offset (rows 3..9 of a matrix, contiguous) and a strided one (a column block, ND4J's way)
        INDArray[] m = arrays(DataType.FLOAT, 'c', 10, 40);
        INDArray rows = m[0].get(NDArrayIndex.interval(3, 10));
        INDArray rowEps = m[1].get(NDArrayIndex.interval(3, 10));
        KernelChecks.ran(VectorRelu.class, () -> assertSameAsDl4j(rows, rowEps, "rows at an offset"));
        INDArray cols = m[0].get(NDArrayIndex.all(), NDArrayIndex.interval(5, 30));
        INDArray colEps = m[1].get(NDArrayIndex.all(), NDArrayIndex.interval(5, 30));
        assertSameAsDl4j(cols, colEps, "strided columns");
        // the gradient is written into z, but nothing outside the view
        INDArray before = m[0].dup();
        new VectorRelu().backprop(rows, rowEps);
        assertEquals(before.get(NDArrayIndex.interval(0, 3)), m[0].get(NDArrayIndex.interval(0, 3)));
    }

    @Test
    void survivesJson() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(4))
                .addLayer("relu", new ActivationLayer(new VectorRelu()), "x")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "relu")
                .setOutputs("out").build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        var layer = (ActivationLayer) ((LayerVertex) back.getVertices().get("relu")).getLayerConf().getLayer();
        assertInstanceOf(VectorRelu.class, layer.getActivationFn());
    }
}
