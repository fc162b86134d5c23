package net.dl4jnets.common.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.data.CharBatches;

class EvaluatorStreamsTest {
    private static final int V = 5;

    private static ComputationGraph lstm() {
        return lstm(false);
    }

    /** An LSTM and a softmax output layer, or (as the GPT ends) a loss layer over the LSTM's V outputs as logits. */
    private static ComputationGraph lstm(boolean lossLayer) {
        var builder = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(V));
        var conf = (lossLayer
                ? builder.addLayer("lstm", new LSTM.Builder().nOut(V).activation(Activation.TANH).build(), "in")
                        .addLayer("out", new RnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .activation(Activation.SOFTMAX).build(), "lstm")
                : builder.addLayer("lstm", new LSTM.Builder().nOut(8).activation(Activation.TANH).build(), "in")
                        .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(V)
                                .activation(Activation.SOFTMAX).build(), "lstm"))
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** -log p of each next character when one stretch of text is read in a single pass from a fresh state. */
    private static double lossSum(ComputationGraph graph, int[] text, int from, int length) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, V, length);
        for (int t = 0; t < length; t++) {
            x.putScalar(new long[] {0, text[from + t], t}, 1f);
        }
        INDArray p = graph.outputSingle(false, x);
        double sum = 0;
        for (int t = 0; t < length; t++) {
            sum -= Math.log(p.getDouble(0, text[from + t + 1], t));
        }
        return sum;
    }

    @Test
    void streamsCarryTheStateAcrossBatchesAndWindowsStartAfresh() {
        int[] text = new int[241];
        for (int i = 0; i < text.length; i++) {
            text[i] = (i * i + 3 * i) % V;
        }
        ComputationGraph graph = lstm();
        // 3 streams of 80 characters, read 16 at a time: the same figure as each stream in one pass
        double streamed = Evaluator.evaluate(graph, CharBatches.streams(text, V, 16, 3), 0).loss();
        double whole = (lossSum(graph, text, 0, 80) + lossSum(graph, text, 80, 80)
                + lossSum(graph, text, 160, 80)) / 240;
        assertEquals(whole, streamed, 1e-5);
        // windows of 16 from a fresh state: another figure, that of each window in one pass
        double windows = Evaluator.evaluate(graph, new CharBatches(text, V, 16, 3, false, 0), 0).loss();
        double fresh = 0;
        for (int w = 0; w < 15; w++) {
            fresh += lossSum(graph, text, w * 16, 16);
        }
        assertEquals(fresh / 240, windows, 1e-5);
        assertTrue(Math.abs(windows - streamed) > 1e-4, "the carried state changed nothing: " + windows);
        // and the graph is left without state: a second reading gives the same figure
        assertEquals(streamed, Evaluator.evaluate(graph, CharBatches.streams(text, V, 16, 3), 0).loss(), 1e-6);
    }

    @ParameterizedTest(name = "loss layer: {0}")
    @ValueSource(booleans = {false, true})
    void slidingWindowsScoreOnlyTheirNewCharacters(boolean lossLayer) {
        int[] text = new int[61];
        for (int i = 0; i < text.length; i++) {
            text[i] = (i * i + 3 * i) % V;
        }
        ComputationGraph graph = lstm(lossLayer);
        // windows of 16 every 8 over 60 predictions: starts 0, 8, ..., 40 and 44 (moved back to end with the text)
        double sliding = Evaluator.evaluate(graph, CharBatches.sliding(text, V, 16, 4, 8), 0).loss();
        double sum = lossSum(graph, text, 0, 16, 0);
        for (int start = 8; start <= 40; start += 8) {
            sum += lossSum(graph, text, start, 16, 8);
        }
        sum += lossSum(graph, text, 44, 16, 12);
        assertEquals(sum / 60, sliding, 1e-5);
    }

    /** -log p of the next characters of a window read in one pass, from its step {@code from} on. */
    private static double lossSum(ComputationGraph graph, int[] text, int start, int length, int from) {
        // the model reads causally, so the first steps' losses are those of a pass over them alone
        return lossSum(graph, text, start, length) - (from == 0 ? 0 : lossSum(graph, text, start, from));
    }
}
