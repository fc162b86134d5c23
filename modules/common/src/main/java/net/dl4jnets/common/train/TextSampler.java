package net.dl4jnets.common.train;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;

import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.io.UserError;

/**
 * How a trained text model writes: {@code length} characters after the prompt, each drawn from the model's softmax
 * (sharpened or flattened by the temperature, optionally cut to the top k) and fed back in; deterministic for a
 * seed; printed as they come if {@code stream} is not null. A recurrent model carries its state from character to
 * character; a transformer re-reads its window. Text models declare theirs through
 * {@link ArchitectureProvider#samplers()}, by the model name their runs record.
 */
public interface TextSampler {
    String sample(ComputationGraph graph, TextCorpus.Vocabulary vocabulary, String prompt, int length,
                  double temperature, int topK, long seed, PrintStream stream);

    /** What the model makes of {@code text}, from one pass over it. */
    Reading read(ComputationGraph graph, TextCorpus.Vocabulary vocabulary, String text);

    /**
     * A model's reading of a text: its probabilities for the next character, one per vocabulary entry; and where it
     * looks: for each attention layer, first to last, and each of its heads, the weights of the last character over
     * the characters of its context (the last ones, itself included; each row sums to 1), empty for a model without
     * attention.
     */
    record Reading(double[] next, List<double[][]> attention) {
        /** A reading without attention. */
        public static Reading of(double[] next) {
            return new Reading(next, List.of());
        }
    }

    /** How a model writes. */
    @FunctionalInterface
    interface Writer {
        String sample(ComputationGraph graph, TextCorpus.Vocabulary vocabulary, String prompt, int length,
                      double temperature, int topK, long seed, PrintStream stream);
    }

    /** What a model makes of a text. */
    @FunctionalInterface
    interface Reader {
        Reading read(ComputationGraph graph, TextCorpus.Vocabulary vocabulary, String text);
    }

    /** A sampler from a model's writing and reading functions. */
    static TextSampler of(Writer writer, Reader reader) {
        return new TextSampler() {
            @Override
            public String sample(ComputationGraph graph, TextCorpus.Vocabulary vocabulary, String prompt, int length,
                                 double temperature, int topK, long seed, PrintStream stream) {
                return writer.sample(graph, vocabulary, prompt, length, temperature, topK, seed, stream);
            }

            @Override
            public Reading read(ComputationGraph graph, TextCorpus.Vocabulary vocabulary, String text) {
                return reader.read(graph, vocabulary, text);
            }
        };
    }

    /** The samplers of the modules on the classpath, by model name. */
    static Map<String, TextSampler> registered() {
        Map<String, TextSampler> all = new HashMap<>();
        for (ArchitectureProvider p : ServiceLoader.load(ArchitectureProvider.class)) {
            all.putAll(p.samplers());
        }
        return all;
    }

    /** Refuses a prompt with characters the model never saw, naming them and the vocabulary. */
    static void checkPrompt(TextCorpus.Vocabulary vocab, String prompt) {
        String unknown = vocab.unknown(prompt);
        if (!unknown.isEmpty()) {
            throw new UserError("The prompt has characters the model never saw: \"" + unknown.replace("\n", "\\n")
                    + "\". Its vocabulary is: " + vocab.chars().replace("\n", "\\n"));
        }
    }

    /** Draws an index from p^(1/T), renormalised, optionally over the top k only. */
    static int draw(double[] p, double temperature, int topK, Random rng) {
        double[] w = new double[p.length];
        double cutoff = 0;
        if (topK > 0 && topK < p.length) {
            double[] sorted = p.clone();
            Arrays.sort(sorted);
            cutoff = sorted[p.length - topK];
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            w[i] = p[i] < cutoff ? 0 : Math.exp(Math.log(Math.max(p[i], 1e-30)) / temperature);
            sum += w[i];
        }
        double r = rng.nextDouble() * sum;
        for (int i = 0; i < w.length; i++) {
            r -= w[i];
            if (r <= 0) {
                return i;
            }
        }
        return w.length - 1;
    }
}
