package net.dl4jnets.common.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;

class ConfusionTest {
    @Test
    void metricsMatchAHandComputedExample() {
        // truth:     0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        Confusion c = new Confusion(3);
        int[][] pairs = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 2}, {2, 2}};
        for (int[] p : pairs) {
            c.add(p[0], p[1]);
        }
        assertEquals(4.0 / 6, c.accuracy(), 1e-12);
        assertEquals(1.0, c.precision(0), 1e-12);       // 2 of 2 predicted 0
        assertEquals(2.0 / 3, c.recall(0), 1e-12);      // 2 of 3 true 0
        assertEquals(0.5, c.precision(1), 1e-12);       // 1 of 2 predicted 1
        assertEquals(0.5, c.recall(1), 1e-12);
        assertEquals(0.5, c.precision(2), 1e-12);
        assertEquals(1.0, c.recall(2), 1e-12);
        assertEquals(0.8, c.f1(0), 1e-12);
        assertEquals(2.0 / 3, c.f1(2), 1e-12);
        String table = c.table(List.of("a", "b", "c"));
        assertTrue(table.contains("accuracy 0.6667"), table);
    }

    @Test
    void evaluatorBuildsTheSameMatrixFromAGraph() {
        Backend.start(1, Backend.Workload.DENSE);
        // An identity "classifier": softmax of 10x the input picks the input's largest entry.
        ComputationGraph g = softmaxOfInput(3, 10);
        float[][] x = {{1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}};
        float[][] y = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}};
        var it = new ListDataSetIterator<>(new DataSet(Nd4j.create(x), Nd4j.create(y)).asList(), 4);
        Evaluator.Result r = Evaluator.evaluate(g, it, 3);
        assertEquals(6, r.examples());
        assertEquals(2, r.confusion().count(0, 0));
        assertEquals(1, r.confusion().count(0, 1));
        assertEquals(1, r.confusion().count(1, 2));
        assertEquals(4.0 / 6, r.accuracy(), 1e-12);
    }

    @Test
    void testTimeAugmentationAveragesTheTwoViewsProbabilities() {
        Backend.start(1, Backend.Workload.DENSE);
        ComputationGraph g = softmaxOfInput(2, 1);
        // Both examples are class 0. Example 1: view A is sure and right, view B unsure and wrong; example 2: the
        // reverse. Each view alone gets one of two right; their mean gets both.
        float[][] a = {{4, 0}, {0, 0.5f}};
        float[][] b = {{0, 0.5f}, {4, 0}};
        float[][] y = {{1, 0}, {1, 0}};
        var viewA = new ListDataSetIterator<>(new DataSet(Nd4j.create(a), Nd4j.create(y)).asList(), 2);
        var viewB = new ListDataSetIterator<>(new DataSet(Nd4j.create(b), Nd4j.create(y)).asList(), 2);
        assertEquals(0.5, Evaluator.evaluate(g, viewA, 2).accuracy(), 1e-12);
        assertEquals(0.5, Evaluator.evaluate(g, viewB, 2).accuracy(), 1e-12);
        Evaluator.TwoViews views = Evaluator.evaluate(g, viewA, viewB, 2);
        assertEquals(0.5, views.first().accuracy(), 1e-12);
        assertEquals(Evaluator.evaluate(g, viewA, 2).loss(), views.first().loss(), 1e-9);
        Evaluator.Result both = views.mean();
        assertEquals(1.0, both.accuracy(), 1e-12);
        double sure = 1 / (1 + Math.exp(-4));    // p(class 0) of {4, 0}
        double unsure = 1 / (1 + Math.exp(0.5)); // p(class 0) of {0, 0.5}
        assertEquals(-Math.log((sure + unsure) / 2), both.loss(), 1e-5);

        float[][] otherLabels = {{0, 1}, {1, 0}};
        var mismatched = new ListDataSetIterator<>(new DataSet(Nd4j.create(b), Nd4j.create(otherLabels)).asList(), 2);
        assertThrows(IllegalArgumentException.class, () -> Evaluator.evaluate(g, viewA, mismatched, 2));
    }

    /** A classifier whose probabilities are the softmax of {@code scale} times its input. */
    private static ComputationGraph softmaxOfInput(int classes, double scale) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(classes).nOut(classes)
                        .activation(Activation.SOFTMAX).hasBias(false).build(), "in")
                .setOutputs("out").build());
        g.init();
        g.setParam("out_W", Nd4j.eye(classes).muli(scale));
        return g;
    }
}
