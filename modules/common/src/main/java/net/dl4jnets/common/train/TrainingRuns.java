package net.dl4jnets.common.train;

import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.DataPaths;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.engine.Engine;

/**
 * The step every training run shares before its loop: a fresh run folder with its {@link RunConfig}, or the run that
 * {@link TrainingConfig#resume()} names, with the graph fresh or restored from the last checkpoint.
 */
public final class TrainingRuns {
    private TrainingRuns() {}

    /** A run ready to train: its folder, its record and the graph. */
    public record Started(RunFolder run, RunConfig config, ComputationGraph graph, boolean resumed) {}

    /** What a run is, for its config.json: everything but the graph's size, the commit and the time. */
    public record Description(String model, String architecture, Record hyperParameters, RunConfig.DataRecord data) {}

    /**
     * Opens the run to resume (which must be of the same architecture) or creates a new run folder under
     * {@code out/<architecture>/}, builds the graph (with gradient clipping applied) and writes config.json.
     */
    public static Started start(TrainingConfig t, ComputationGraphConfiguration conf, Description what,
                                Backend.BackendInfo backend) {
        if (t.resume() != null) {
            RunConfig recorded = RunConfig.read(t.resume());
            if (!what.architecture().equals(recorded.architecture())) {
                throw new UserError("--resume " + t.resume() + " is a run of " + recorded.architecture() + ", not of "
                        + what.architecture() + ".");
            }
            RunFolder run = RunFolder.open(t.resume());
            ComputationGraph graph = Checkpoints.loadModel(run.checkpoint());
            recorded = recorded.withTraining(t.withResume(null));
            recorded.write(run.dir());
            System.out.println("Resuming " + run.dir() + " after epoch " + run.state().epochsDone()
                    + (run.state().batchesDone() > 0 ? ", batch " + run.state().batchesDone() : ""));
            return new Started(run, recorded, graph, true);
        }
        RunFolder run = RunFolder.create(t.out() != null ? t.out() : DataPaths.home().resolve("runs"),
                what.architecture());
        Engine.Plan plan = Engine.plan(GradientClipping.apply(conf, t.clipNorm()));
        ComputationGraph graph = new ComputationGraph(plan.configuration());
        graph.init();
        String commit = git("rev-parse", "HEAD");
        RunConfig config = new RunConfig(RunConfig.VERSION, what.model(), what.architecture(), graph.numParams(),
                Json.GSON.toJsonTree(what.hyperParameters()), t, what.data(),
                backend.line(), plan.kernelNames(), commit.isEmpty() ? "unknown" : commit,
                !git("status", "--porcelain", "--untracked-files=no").isEmpty(), OffsetDateTime.now().toString());
        config.write(run.dir());
        return new Started(run, config, graph, false);
    }

    /**
     * The settings a resumed run trains with: what the run recorded, and of what was asked only what may change
     * without changing the run (more epochs, patience, the time budget, threads, where the data and runs are, the
     * dashboard, whether the test split is read). Any other difference is refused with one line that names the option.
     */
    public static TrainingConfig resumable(Path dir, TrainingConfig recorded, TrainingConfig asked) {
        List<String> changed = new ArrayList<>();
        compare(changed, "--batch-size", recorded.batchSize(), asked.batchSize());
        compare(changed, "--lr", recorded.lr(), asked.lr());
        compare(changed, "--lr-schedule", recorded.lrSchedule(), asked.lrSchedule());
        compare(changed, "--clip-norm", recorded.clipNorm(), asked.clipNorm());
        compare(changed, "--seed", recorded.seed(), asked.seed());
        compare(changed, "--limit", recorded.limit(), asked.limit());
        compare(changed, "--val-size", recorded.valSize(), asked.valSize());
        compare(changed, "--max-batches", recorded.maxBatches(), asked.maxBatches());
        compare(changed, "--monitor", recorded.monitor(), asked.monitor());
        if (!changed.isEmpty()) {
            throw new UserError("--resume " + dir + ": " + String.join(", ", changed) + " differ from the run's; a "
                    + "resumed run keeps its data, split, optimiser settings and --monitor. With --resume you may "
                    + "change --epochs, --patience, --max-minutes, --threads, --workers and how they agree, "
                    + "--data-dir, the dashboard and --no-test; start a new run for more.");
        }
        return recorded.withEpochs(asked.epochs()).withPatience(asked.patience()).withLimits(recorded.maxBatches(),
                asked.maxMinutes()).withThreads(asked.threads()).withParallel(asked.parallel()).withOut(asked.out())
                .withData(recorded.limit(), recorded.valSize(), asked.dataDir())
                .withDashboard(asked.ui(), asked.uiPort()).withResume(dir).withNoTest(asked.noTest()).validate();
    }

    private static void compare(List<String> changed, String option, Object recorded, Object asked) {
        if (!Objects.equals(recorded, asked)) {
            changed.add(option + " " + asked + " (the run's: " + recorded + ")");
        }
    }

    /** What git prints for these arguments in the project, or "" outside a git checkout. */
    static String git(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = DataPaths.home().toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
