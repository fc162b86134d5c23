package net.dl4jnets.common.train;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.TrainOptions;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.DataPaths;
import net.dl4jnets.common.report.Json;

/**
 * The steps every training command shares around the {@link Trainer}: a fresh run folder with its config.json or
 * the run being resumed, and the fit itself with the optional live dashboard.
 */
public final class TrainingRuns {
    private TrainingRuns() {}

    /** A run ready to train: its folder and the graph, fresh or restored from the last checkpoint. */
    public record Started(RunFolder run, ComputationGraph graph, boolean resumed) {}

    /**
     * Opens {@code --resume}'s run (which must be of the same model) or creates a new run folder, builds the graph
     * (with {@code --clip-norm} applied) and writes config.json.
     */
    public static Started start(TrainOptions opts, String model, ComputationGraphConfiguration conf,
                                Supplier<Map<String, Object>> config) {
        if (opts.resume != null) {
            RunFolder run = RunFolder.open(opts.resume);
            Object was = Json.read(run.file("config.json"), Map.class).get("model");
            if (!model.equals(String.valueOf(was))) {
                throw new UserError("--resume " + opts.resume + " is a run of " + was + ", not of " + model + ".");
            }
            ComputationGraph graph = Checkpoints.loadModel(run.checkpoint());
            System.out.println("Resuming " + run.dir() + " after epoch " + run.state().epochsDone()
                    + (run.state().batchesDone() > 0 ? ", batch " + run.state().batchesDone() : ""));
            return new Started(run, graph, true);
        }
        RunFolder run = RunFolder.create(opts.out != null ? opts.out : DataPaths.home().resolve("runs"), model);
        ComputationGraph graph = new ComputationGraph(GradientClipping.apply(conf, opts.clipNorm));
        graph.init();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", model);
        c.put("created", OffsetDateTime.now().toString());
        c.put("git_commit", gitCommit());
        c.put("parameters", graph.numParams());
        c.putAll(config.get());
        Json.write(c, run.file("config.json"));
        return new Started(run, graph, false);
    }

    /** The shared options as written to config.json. */
    public static Map<String, Object> training(TrainOptions o, Backend.BackendInfo backend) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("epochs", o.epochs);
        t.put("batch_size", o.batchSize);
        t.put("lr", o.lr);
        t.put("lr_schedule", o.lrSchedule);
        t.put("clip_norm", o.clipNorm);
        t.put("seed", o.seed);
        t.put("patience", o.patience);
        t.put("max_batches", o.maxBatches);
        t.put("max_minutes", o.maxMinutes);
        t.put("threads", backend.threads());
        return t;
    }

    /**
     * Trains within {@code --max-minutes}, with DL4J's dashboard attached for the duration if {@code --ui} was given.
     */
    public static Trainer.Result fit(Trainer trainer, TrainOptions opts, ComputationGraph graph, Trainer.Data data,
                                     RunFolder run) {
        trainer.timeBudget(opts.maxMinutes);
        try (Dashboard ui = opts.ui ? Dashboard.start(opts.uiPort) : null) {
            if (ui != null) {
                System.out.println("Training dashboard: " + ui.url());
                trainer.withGraphListener(ui.listener());
            }
            return trainer.fit(graph, data, run);
        }
    }

    /** The commit the code was built from, for config.json; "unknown" outside a git checkout. */
    static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "-C", DataPaths.home().toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
