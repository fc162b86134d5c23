package net.dl4jnets.rnn;

import java.io.PrintStream;
import java.util.Random;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.train.TextSampler;

/**
 * How a trained {@link CharLstmGenerator} writes: the prompt is fed through the network, then each next character is
 * drawn from the softmax and fed back in, one step at a time ({@code rnnTimeStep}). The LSTM's state carries
 * everything read so far, so each character costs the same, however long the text.
 */
public final class TextGenerator {
    private TextGenerator() {}

    /** The probabilities of the character after {@code text}: the text read through, the last step's softmax. */
    public static double[] next(ComputationGraph graph, TextCorpus.Vocabulary vocab, String text) {
        TextSampler.checkPrompt(vocab, text);
        graph.rnnClearPreviousState();
        INDArray in = Nd4j.zeros(1, vocab.size(), text.length());
        for (int t = 0; t < text.length(); t++) {
            in.putScalar(new long[] {0, vocab.index(text.charAt(t)), t}, 1);
        }
        INDArray out = graph.rnnTimeStep(in)[0];
        graph.rnnClearPreviousState();
        return out.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(text.length() - 1)).toDoubleVector();
    }

    /**
     * Generates {@code n} characters after the prompt; if {@code stream} is not null the prompt and then each new
     * character are printed as they come.
     * Deterministic for a seed.
     */
    public static String generate(ComputationGraph graph, TextCorpus.Vocabulary vocab, String prompt, int n,
                                  double temperature, int topK, long seed, PrintStream stream) {
        TextSampler.checkPrompt(vocab, prompt);
        if (stream != null) {
            stream.print(prompt);
        }
        Random rng = new Random(seed);
        int v = vocab.size();
        graph.rnnClearPreviousState();
        INDArray in = Nd4j.zeros(1, v, prompt.length());
        for (int t = 0; t < prompt.length(); t++) {
            in.putScalar(new long[] {0, vocab.index(prompt.charAt(t)), t}, 1);
        }
        INDArray out = graph.rnnTimeStep(in)[0];
        double[] p = out.get(NDArrayIndex.point(0), NDArrayIndex.all(),
                NDArrayIndex.point(prompt.length() - 1)).toDoubleVector();
        StringBuilder sb = new StringBuilder(n);
        INDArray one = Nd4j.zeros(1, v, 1);
        for (int i = 0; i < n; i++) {
            int next = TextSampler.draw(p, temperature, topK, rng);
            char c = vocab.charAt(next);
            sb.append(c);
            if (stream != null) {
                stream.print(c);
                stream.flush();
            }
            one.assign(0);
            one.putScalar(new long[] {0, next, 0}, 1);
            p = graph.rnnTimeStep(one)[0].reshape(v).toDoubleVector();
        }
        graph.rnnClearPreviousState();
        return sb.toString();
    }
}
