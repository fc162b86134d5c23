package net.dl4jnets.common.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.eval.EvalReport;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.io.UserError;

/**
 * Trains a Fashion-MNIST classifier end to end, the same way for every model: backend, data, split, iterators, run
 * folder, training loop, curves, final test evaluation. A model brings only its {@link Spec}.
 */
public final class FashionTraining {
    private FashionTraining() {}

    /**
     * What a model brings.
     *
     * @param model           the command that trains it ({@code cnn})
     * @param architecture    its id ({@code cnn-modern})
     * @param hyperParameters the model's record, written to config.json
     * @param standardize     feed standardised pixels (mean 0, std 1) rather than [0,1]
     */
    public record Spec(String model, String architecture, Layout layout, Backend.Workload workload,
                       Record hyperParameters, ComputationGraphConfiguration graph, boolean standardize,
                       Augmentation augmentation) {}

    /**
     * What a run produced. If the run was interrupted, {@code test} and {@code best} are null; with the test split
     * left unread, {@code test} is.
     *
     * @param best        the best model, as evaluated on the test set
     * @param testView    the test images, for pictures a model module draws from them
     * @param evalOptions how the model's inputs are prepared (layout, standardisation; no augmentation)
     */
    public record Outcome(RunFolder run, RunConfig config, Trainer.Result training, Evaluator.Result test,
                          ComputationGraph best, ImageSet.View testView, ImageBatches.Options evalOptions) {
        public boolean interrupted() {
            return training.outcome() == Trainer.Outcome.INTERRUPTED;
        }

        public double testAccuracy() {
            return test == null ? Double.NaN : test.accuracy();
        }
    }

    public static Outcome run(Spec spec, TrainingConfig t, StopSignal stop) {
        return run(spec, t, stop, BatchFit.STANDARD);
    }

    /**
     * The same run with its batches put through the graph by {@code fitting} (on a cluster, for example); with
     * {@link TrainingConfig#noTest()} it ends at the best epoch's validation figures and leaves the test split unread.
     */
    public static Outcome run(Spec spec, TrainingConfig t, StopSignal stop, BatchFit.Factory fitting) {
        return run(spec, t, stop, fitting, List.of());
    }

    /** The same run with {@code watchers} told of every batch and epoch too (a web page's progress, for one). */
    public static Outcome run(Spec spec, TrainingConfig t, StopSignal stop, BatchFit.Factory fitting,
                              List<LoopListener> watchers) {
        t.validate();
        Backend.BackendInfo backend = Backend.start(t.threads(), spec.workload(), t.parallel().workers());
        t = t.resolvedBy(backend);
        FashionMnist data = FashionMnistLocator.standard(t.dataDir()).load();
        FashionMnist.Split split = data.split(t.valSize(), t.limit(), t.seed());
        if (split.validation().size() == 0) {
            throw new UserError("--val-size 0 leaves nothing to validate on; give at least 1.");
        }
        double[] stats = spec.standardize() ? split.train().pixelMeanStd() : null;
        ImageBatches.Options trainOptions = new ImageBatches.Options(spec.layout(), t.batchSize(), true, t.seed(),
                stats, spec.augmentation());
        ImageBatches.Options evalOptions = trainOptions.forEvaluation();
        ImageSet.View sample = new ImageSet.View(split.train().set(), Arrays.copyOf(split.train().indices(),
                Math.min(split.train().size(), split.validation().size())));
        Trainer.Data trainerData = new Trainer.Data(new ImageBatches(split.train(), trainOptions),
                new ImageBatches(sample, evalOptions), new ImageBatches(split.validation(), evalOptions));

        TrainingRuns.Started started = TrainingRuns.start(t, spec.graph(), new TrainingRuns.Description(spec.model(),
                spec.architecture(), spec.hyperParameters(), RunConfig.DataRecord.images(data.source(), spec.layout(),
                stats, spec.augmentation(), split.train().size(), split.validation().size(), split.test().size())),
                backend);
        RunFolder run = started.run();
        ComputationGraph graph = started.graph();
        System.out.printf("%s: %,d parameters; %,d training, %,d validation, %,d test images; run folder %s%n",
                spec.architecture(), graph.numParams(), split.train().size(), split.validation().size(),
                split.test().size(), run.dir());

        Trainer trainer = new Trainer(t, Trainer.Task.classifier(FashionMnist.CLASSES), stop).fitWith(fitting)
                .listen(LoopListener.afterEachEpoch(loop -> RunCharts.draw(loop.run(), spec.architecture(),
                        loop.history())));
        watchers.forEach(trainer::listen);
        Trainer.Result result = trainer.fit(graph, trainerData, run);
        if (result.outcome() == Trainer.Outcome.INTERRUPTED) {
            return new Outcome(run, started.config(), result, null, null, split.test(), evalOptions);
        }
        ComputationGraph best = Checkpoints.loadModel(run.bestModel());
        if (t.noTest()) {
            EpochRecord b = result.best();
            System.out.printf(Locale.ROOT, "Best epoch: %d (%s: loss %.4f, accuracy %.2f%%); "
                    + "the test split is not read (--no-test).%n", result.bestEpoch(), t.monitor().description(),
                    b.valLoss(), 100 * b.valAccuracy());
            return new Outcome(run, started.config(), result, null, best, split.test(), evalOptions);
        }
        System.out.println("Best epoch: " + result.bestEpoch() + " (" + t.monitor().description()
                + "); evaluating it on the test set.");
        Evaluator.Result test = EvalReport.write(run.dir(), spec.architecture(), best, split.test(), evalOptions,
                spec.augmentation().flip());
        System.out.println("Run folder: " + run.dir());
        return new Outcome(run, started.config(), result, test, best, split.test(), evalOptions);
    }
}
