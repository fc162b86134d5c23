package net.dl4jnets.rnn;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Checkpoints;
import net.dl4jnets.common.train.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes text with a trained {@link CharLstmGenerator}: the prompt is fed through the network, then each next
 * character is drawn from the softmax (sharpened or flattened by the temperature, optionally cut to the top k) and
 * fed back in. The LSTM's state carries everything read so far, so each step costs the same.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a trained char-lstm model, character by character.")
public final class TextGenerator implements NetsCommand {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "A char-lstm run folder (or its model.zip).")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "\n", description = "Text to start from (default: a newline).")
    String prompt;

    @Option(names = {"-n", "--length"}, paramLabel = "N", defaultValue = "500", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Below 1: safer, more repetitive; above 1: wilder (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Sample only from the K likeliest characters; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Sampling seed: the same seed gives the same text (default: ${DEFAULT-VALUE}).")
    long seed;

    /** A loaded text model. */
    public record TextModel(ComputationGraph graph, TextCorpus.Vocabulary vocabulary) {}

    /** Loads a char-lstm run; anything else gets a clear refusal. */
    public static TextModel load(Path path) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path zip = Files.isDirectory(path) ? path.resolve("model.zip") : path;
        if (!Files.isRegularFile(dir.resolve(RunConfig.FILE)) || !Files.isRegularFile(zip)) {
            throw new UserError("--model " + path + ": not a finished char-lstm run folder (needs model.zip and config.json).");
        }
        String kind = RunConfig.read(dir).model();
        if (!CharLstmGenerator.MODEL.equals(kind)) {
            throw new UserError("--model " + path + " is a " + kind + " model, not a text model; train one with char-lstm.");
        }
        TextCorpus.Vocabulary v = TextCorpus.Vocabulary.load(dir.resolve("vocabulary.json"));
        ComputationGraph g = Checkpoints.loadModel(zip);
        if (g.getNumInputArrays() != 1 || !g.getConfiguration().getVertices().containsKey("lstm1") || g.layerInputSize("lstm1") != v.size()) {
            throw new UserError("--model " + path + ": the network does not match its vocabulary.json.");
        }
        return new TextModel(g, v);
    }

    /**
     * Generates {@code n} characters after the prompt; if {@code stream} is not null the prompt and then each new
     * character are printed as they come.
     * Deterministic for a seed.
     */
    public static String generate(ComputationGraph graph, TextCorpus.Vocabulary vocab, String prompt, int n,
                                  double temperature, int topK, long seed, PrintStream stream) {
        String unknown = vocab.unknown(prompt);
        if (!unknown.isEmpty()) {
            throw new UserError("The prompt has characters the model never saw: \"" + unknown.replace("\n", "\\n")
                    + "\". Its vocabulary is: " + vocab.chars().replace("\n", "\\n"));
        }
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
            int next = sample(p, temperature, topK, rng);
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

    /** Draws an index from p^(1/T), renormalised, optionally over the top k only. */
    static int sample(double[] p, double temperature, int topK, Random rng) {
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

    @Override
    public Integer call() {
        common.applyLogging();
        if (!(temperature > 0) || length < 1 || topK < 0) {
            throw new UserError("--temperature and --length must be positive and --top-k 0 or positive.");
        }
        if (prompt.isEmpty()) {
            throw new UserError("--prompt must not be empty; leave it out to start from a newline.");
        }
        TextModel m = load(model);
        Backend.start(common.threads, Backend.Workload.LANGUAGE_MODEL);
        generate(m.graph(), m.vocabulary(), prompt, length, temperature, topK, seed, System.out);
        System.out.println();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new TextGenerator(), args);
    }
}
