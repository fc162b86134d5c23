package net.dl4jnets.common.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.TrainOptions;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.eval.EvalReport;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.report.RunCharts;

/**
 * Trains a Fashion-MNIST classifier end to end, the same way for every model: backend, data, split, iterators, run
 * folder, training loop, curves, final test evaluation. A model module supplies only its graph and hyper-parameters.
 */
public final class FashionTraining {
    private FashionTraining() {}

    /**
     * What a model brings.
     *
     * @param hyperParameters the model's record, written to config.json
     * @param standardize     feed standardised pixels (mean 0, std 1) rather than [0,1]
     */
    public record Spec(String model, Layout layout, Backend.Workload workload, Record hyperParameters,
                       ComputationGraphConfiguration graph, boolean standardize, Augmentation augmentation) {}

    /**
     * What a run produced. If the run was interrupted, {@code test} and {@code best} are null.
     *
     * @param best        the best model, as evaluated on the test set
     * @param testView    the test images, for pictures a model module draws from them
     * @param evalOptions how the model's inputs are prepared (layout, standardisation; no augmentation)
     */
    public record Outcome(RunFolder run, Trainer.Result training, Evaluator.Result test, ComputationGraph best,
                          ImageSet.View testView, ImageBatches.Options evalOptions) {
        public int exitCode() {
            return training.outcome() == Trainer.Outcome.INTERRUPTED ? Cli.INTERRUPTED : 0;
        }

        public double testAccuracy() {
            return test == null ? Double.NaN : test.accuracy();
        }
    }

    public static Outcome run(Spec spec, TrainOptions opts) {
        opts.validate();
        Backend.BackendInfo backend = Backend.start(opts.common.threads, spec.workload());
        FashionMnist data = FashionMnistLocator.standard(opts.common.dataDir).load();
        FashionMnist.Split split = data.split(opts.valSize, opts.limit, opts.seed);
        if (split.validation().size() == 0) {
            throw new UserError("--val-size 0 leaves nothing to validate on; give at least 1.");
        }
        double[] stats = spec.standardize() ? split.train().pixelMeanStd() : null;
        ImageBatches.Options trainOptions = new ImageBatches.Options(spec.layout(), opts.batchSize, true, opts.seed,
                stats, spec.augmentation());
        ImageBatches.Options evalOptions = trainOptions.forEvaluation();
        ImageSet.View sample = new ImageSet.View(split.train().set(), java.util.Arrays.copyOf(split.train().indices(),
                Math.min(split.train().size(), split.validation().size())));
        Trainer.Data trainerData = new Trainer.Data(new ImageBatches(split.train(), trainOptions),
                new ImageBatches(sample, evalOptions), new ImageBatches(split.validation(), evalOptions));

        TrainingRuns.Started started = TrainingRuns.start(opts, spec.model(), spec.graph(),
                () -> config(spec, opts, backend, data, split, stats));
        RunFolder run = started.run();
        ComputationGraph graph = started.graph();
        System.out.printf("%s: %,d parameters; %,d training, %,d validation, %,d test images; run folder %s%n",
                spec.model(), graph.numParams(), split.train().size(), split.validation().size(), split.test().size(),
                run.dir());

        Trainer trainer = new Trainer(Trainer.Settings.from(opts, Trainer.Monitor.VAL_LOSS, FashionMnist.CLASSES,
                Trainer.Settings.divergenceLimit(FashionMnist.CLASSES)))
                .onEpoch((r, history) -> RunCharts.draw(r, spec.model(), history));
        Trainer.Result result = TrainingRuns.fit(trainer, opts, graph, trainerData, run);
        if (result.outcome() == Trainer.Outcome.INTERRUPTED) {
            return new Outcome(run, result, null, null, split.test(), evalOptions);
        }
        ComputationGraph best = Checkpoints.loadModel(run.bestModel());
        System.out.println("Best epoch: " + result.bestEpoch() + " (lowest validation loss); evaluating it on the test set.");
        Evaluator.Result test = EvalReport.write(run.dir(), spec.model(), best, split.test(), evalOptions,
                spec.augmentation().flip());
        System.out.println("Run folder: " + run.dir());
        return new Outcome(run, result, test, best, split.test(), evalOptions);
    }

    private static Map<String, Object> config(Spec spec, TrainOptions o, Backend.BackendInfo backend, FashionMnist data,
                                              FashionMnist.Split split, double[] stats) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("backend", backend.line());
        c.put("dataset", data.source());
        c.put("layout", spec.layout().name());
        c.put("standardize", stats == null ? null : Map.of("mean", stats[0], "std", stats[1]));
        c.put("augmentation", spec.augmentation());
        c.put("hyper_parameters", spec.hyperParameters());
        Map<String, Object> t = TrainingRuns.training(o, backend);
        t.put("limit", o.limit);
        t.put("val_size", o.valSize);
        t.put("train_images", split.train().size());
        t.put("validation_images", split.validation().size());
        t.put("test_images", split.test().size());
        c.put("training", t);
        return c;
    }
}
