package net.dl4jnets.attention;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.io.Param;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.Benchmark;
import net.dl4jnets.common.train.LrSchedule;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.Parallelism;
import net.dl4jnets.common.train.TextSampler;
import net.dl4jnets.common.train.TextTraining;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.layers.AttentionWeights;
import net.dl4jnets.layers.LayerNorm;
import net.dl4jnets.layers.Linear;
import net.dl4jnets.layers.PositionalEmbedding;
import net.dl4jnets.layers.TransformerBlock;

/**
 * Week 5: a character-level GPT (Radford et al., 2018), the model behind the course's opening demo, small. Each
 * character is embedded and given its position; a stack of causal transformer blocks lets every position attend to
 * all the characters before it, never after; a read-out gives, at every position, the probabilities of the next
 * character. Unlike the char-LSTM it has no state to carry: it sees its last {@code blockSize} characters at once,
 * all positions train in parallel, and to write it re-reads that window for every new character.
 */
public final class CharGpt {
    public static final String NAME = "gpt";

    private CharGpt() {}

    /**
     * @param vocabulary distinct characters of the corpus (set from the corpus, not from the command line)
     * @param blockSize  characters the model sees at once (its context), and the length of training sequences
     */
    public record Config(
            int vocabulary,
            @Param(value = "Characters of context", label = "N") int blockSize,
            @Param(value = "Transformer blocks", label = "N") int layers,
            @Param(value = "Channels of every position", label = "N") int width,
            @Param(value = "Attention heads; must divide --width", label = "N") int heads,
            @Param(value = "Dropout after embedding, attention and MLP", label = "P") double dropout) {
        // Width 96: 10,600 characters a second on one core, against 7,500 at width 128 (BENCHMARKS.md, "Accuracy recipes").
        public static final Config DEFAULT = new Config(0, 128, 4, 96, 4, 0.1);
        /*
         * One replica per core (two at most, the number measured): one thread each runs the model's small operations
         * fastest, so a second core trains a second replica. On 2 cores an epoch takes 59 s against 96 s, 42 epochs
         * fit in 45 minutes against 22-26, and the best validation loss falls below 1.50 (BENCHMARKS.md). 60 epochs so
         * that a 45-minute budget, not the epoch count, ends the run; the rate follows the clock under a budget.
         */
        public static final TrainingConfig TRAINING = TrainingConfig.DEFAULTS.withEpochs(60).withBatchSize(32)
                .withLr(1e-3).withLrSchedule(LrSchedule.WARMUP).withClipNorm(1.0)
                .withParallel(Parallelism.onePerCore(2));

        public Config {
            if (blockSize < 2) {
                throw new UserError("--block-size must be at least 2, got " + blockSize + ".");
            }
            if (layers < 1 || width < 1 || heads < 1) {
                throw new UserError("--layers, --width and --heads must be positive.");
            }
            if (width % heads != 0) {
                throw new UserError("--heads " + heads + " must divide --width " + width + " (each head gets "
                        + "width/heads channels).");
            }
            if (dropout < 0 || dropout >= 1) {
                throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
            }
        }

        public Config withVocabulary(int v) {
            return new Config(v, blockSize, layers, width, heads, dropout);
        }
    }

    /** {@code nets gpt}. */
    public static final Model.Text<Config> MODEL = new Model.Text<>(NAME,
            "Train a character-level GPT (a small causal transformer) on a text (default: tiny Shakespeare).",
            Config.DEFAULT, Config.TRAINING, CharGpt::spec);

    /** The command, how gpt runs write, and the speed benchmark's GPT: the default shape without dropout. */
    public static final class Models implements ArchitectureProvider {
        static final int VOCABULARY = 65;

        @Override
        public List<Model<?>> models() {
            return List.of(MODEL);
        }

        @Override
        public Map<String, TextSampler> samplers() {
            return Map.of(NAME, TextSampler.of(CharGpt::generate, CharGpt::read));
        }

        @Override
        public List<Benchmark> benchmarks() {
            Config c = new Config(VOCABULARY, 128, 4, 96, 4, 0);
            return List.of(new Benchmark("gpt", 5, "character GPT, 4 blocks of width 96, context 128",
                    Backend.Workload.DENSE, 32, null, new Benchmark.TextShape(VOCABULARY, c.blockSize()),
                    (seed, input) -> graph(c, TrainingConfig.DEFAULTS.withSeed(seed))));
        }
    }

    /** The network: embedding, position, causal blocks, a final LayerNorm, a read-out to the vocabulary. */
    public static ComputationGraphConfiguration graph(Config c, TrainingConfig t) {
        int n = c.blockSize();
        var g = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .updater(new Adam(t.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("chars")
                .setInputTypes(InputType.recurrent(c.vocabulary(), n)); // one-hot, [batch, vocabulary, block]
        // On one-hot characters a linear layer without bias is an embedding table.
        g.addLayer("embed", new Linear(c.vocabulary(), c.width(), n, false, false, 0.02).ncw(true, false),
                "chars");
        g.addLayer("position", new PositionalEmbedding(c.width(), n), "embed");
        String x = "position";
        if (c.dropout() > 0) {
            g.addLayer("embed_dropout", new DropoutLayer.Builder(1 - c.dropout()).build(), x);
            x = "embed_dropout";
        }
        TransformerBlock block = new TransformerBlock(c.width(), n, c.heads(), 4, true, c.dropout(), c.layers());
        for (int i = 1; i <= c.layers(); i++) {
            x = block.addTo(g, "block" + i, x);
        }
        return g.addLayer("ln_final", new LayerNorm(c.width(), n), x)
                .addLayer("logits", new Linear(c.width(), c.vocabulary(), n, false, true, 0.02).ncw(false, true),
                        "ln_final")
                .addLayer("next", new RnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "logits")
                .setOutputs("next")
                .build();
    }

    /** What the shared text run trains: this network on sequences of its block size, written through its window. */
    public static TextTraining.Spec spec(Config c, int sampleLength) {
        return new TextTraining.Spec(NAME, Backend.Workload.DENSE, c.blockSize(), c::withVocabulary,
                (v, t) -> graph(c.withVocabulary(v), t), CharGpt::generate, sampleLength, true);
    }

    /**
     * What the GPT makes of {@code text}, from one pass over its last {@code blockSize} characters: the probabilities
     * of the next character (the last position's softmax), and where that last character looks in every block and
     * head (its attention weights over the characters of the window, itself the last, each row summing to 1).
     */
    public static TextSampler.Reading read(ComputationGraph graph, TextCorpus.Vocabulary vocab, String text) {
        int used = Math.min(text.length(), blockSize(graph));
        INDArray window = window(graph, vocab, text);
        Map<String, INDArray> acts = graph.feedForward(new INDArray[] {window}, false);
        INDArray probs = acts.get(graph.getConfiguration().getNetworkOutputs().get(0)); // [1, vocabulary, block]
        double[] p = new double[vocab.size()];
        for (int k = 0; k < p.length; k++) {
            p[k] = probs.getDouble(0, k, used - 1);
        }
        List<double[][]> attention = new ArrayList<>();
        for (AttentionWeights.Layer l : AttentionWeights.of(graph, acts, window)) {
            double[][] heads = new double[l.heads()][used];
            for (int h = 0; h < l.heads(); h++) {
                for (int t = 0; t < used; t++) {
                    heads[h][t] = l.weights().getDouble(0, h, used - 1, t);
                }
            }
            attention.add(heads);
        }
        return new TextSampler.Reading(p, attention);
    }

    /** The last {@code blockSize} characters of the text, one-hot, padded on the right: {@code [1, vocabulary, block]}. */
    private static INDArray window(ComputationGraph graph, TextCorpus.Vocabulary vocab, String text) {
        TextSampler.checkPrompt(vocab, text);
        int block = blockSize(graph);
        int start = Math.max(0, text.length() - block);
        INDArray window = Nd4j.zeros(graph.getLayer("embed").getParam("W").dataType(), 1, vocab.size(), block);
        for (int t = 0; t < text.length() - start; t++) {
            window.putScalar(0, vocab.index(text.charAt(start + t)), t, 1);
        }
        return window;
    }

    /**
     * Writes {@code n} characters after the prompt. A transformer has no state to carry, so for every character it
     * reads the last {@code blockSize} characters (the prompt padded on the right with empty positions while it is
     * shorter: the causal mask keeps them from mattering) and draws the next one from the probabilities at the last
     * real position.
     */
    public static String generate(ComputationGraph graph, TextCorpus.Vocabulary vocab, String prompt, int n,
                                  double temperature, int topK, long seed, PrintStream stream) {
        TextSampler.checkPrompt(vocab, prompt);
        int block = blockSize(graph);
        int v = vocab.size();
        if (stream != null) {
            stream.print(prompt);
        }
        Random rng = new Random(seed);
        StringBuilder text = new StringBuilder(prompt);
        StringBuilder written = new StringBuilder(n);
        INDArray window = Nd4j.zeros(graph.getLayer("embed").getParam("W").dataType(), 1, v, block);
        for (int i = 0; i < n; i++) {
            int start = Math.max(0, text.length() - block);
            int used = text.length() - start;
            window.assign(0);
            for (int t = 0; t < used; t++) {
                window.putScalar(0, vocab.index(text.charAt(start + t)), t, 1);
            }
            INDArray probs = graph.outputSingle(false, window); // [1, vocabulary, block]
            double[] p = new double[v];
            for (int k = 0; k < v; k++) {
                p[k] = probs.getDouble(0, k, used - 1);
            }
            char c = vocab.charAt(TextSampler.draw(p, temperature, topK, rng));
            text.append(c);
            written.append(c);
            if (stream != null) {
                stream.print(c);
                stream.flush();
            }
        }
        return written.toString();
    }

    /** The context the network was built for, read off its positional embedding. */
    static int blockSize(ComputationGraph graph) {
        return ((PositionalEmbedding) graph.getLayer("position").conf().getLayer()).getTokens();
    }
}
