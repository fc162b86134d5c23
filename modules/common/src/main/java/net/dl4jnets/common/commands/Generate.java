package net.dl4jnets.common.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Checkpoints;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.TextSampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes text with any trained text model (char-lstm, gpt): the run's record says which model it is, and that
 * model's {@link TextSampler} writes, character by character, printing as it goes.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a trained char-lstm or gpt model, character by character.")
public final class Generate implements NetsCommand {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", required = true, paramLabel = "RUN_DIR", description = "A char-lstm or gpt run folder (or its model.zip).")
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

    /** A trained text model, ready to write. */
    public record TextModel(String name, ComputationGraph graph, TextCorpus.Vocabulary vocabulary, TextSampler sampler) {
        public String write(String prompt, int length, double temperature, int topK, long seed) {
            return sampler.sample(graph, vocabulary, prompt, length, temperature, topK, seed, null);
        }
    }

    /** Loads a text model's run; anything else gets a clear refusal. */
    public static TextModel load(Path path) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path zip = Files.isDirectory(path) ? path.resolve("model.zip") : path;
        if (!Files.isRegularFile(dir.resolve(RunConfig.FILE)) || !Files.isRegularFile(zip)) {
            throw new UserError("--model " + path + ": not a finished text-model run folder (needs model.zip and "
                    + "config.json).");
        }
        RunConfig c = RunConfig.read(dir);
        TextSampler sampler = TextSampler.registered().get(c.model());
        if (c.data().vocabulary() <= 0 || sampler == null) {
            throw new UserError("--model " + path + " is a " + c.model() + " model, not a text model; train one with "
                    + "char-lstm or gpt.");
        }
        TextCorpus.Vocabulary v = TextCorpus.Vocabulary.load(dir.resolve("vocabulary.json"));
        if (v.size() != c.data().vocabulary()) {
            throw new UserError("--model " + path + ": vocabulary.json holds " + v.size() + " characters, config.json "
                    + "says " + c.data().vocabulary() + "; the run folder is inconsistent.");
        }
        return new TextModel(c.model(), Checkpoints.loadModel(zip), v, sampler);
    }

    @Override
    public Integer call() {
        common.apply();
        common.validate();
        if (!(temperature > 0) || length < 1 || topK < 0) {
            throw new UserError("--temperature and --length must be positive and --top-k 0 or positive.");
        }
        if (prompt.isEmpty()) {
            throw new UserError("--prompt must not be empty; leave it out to start from a newline.");
        }
        TextModel m = load(model);
        TextSampler.checkPrompt(m.vocabulary(), prompt);
        Backend.start(common.threads, Backend.Workload.LANGUAGE_MODEL);
        long t0 = System.nanoTime();
        m.sampler().sample(m.graph(), m.vocabulary(), prompt, length, temperature, topK, seed, System.out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println();
        System.err.printf(Locale.ROOT, "(%s wrote %,d characters in %.1f s: %,.0f chars/s)%n", m.name(), length, seconds,
                length / seconds);
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new Generate(), args);
    }
}
