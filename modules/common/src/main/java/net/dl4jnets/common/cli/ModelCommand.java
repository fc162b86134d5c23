package net.dl4jnets.common.cli;

import java.nio.file.Path;
import java.util.List;

import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.common.train.TrainingRuns;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command that trains a {@link Model}: the shared training options, starting at the model's training settings,
 * and the model's own options, derived from its hyper-parameter record ({@link RecordOptions}), turned into two
 * records ({@link TrainingConfig} and the model's). Ctrl-C stops the run with a checkpoint and exit code 130. With
 * {@code --resume}, both records come from the run's config.json instead, and an option that would change the model
 * or its data is refused ({@link #resume}).
 *
 * @param <C> the model's hyper-parameter record
 */
@CommandLine.Command(mixinStandardHelpOptions = true)
public abstract class ModelCommand<C extends Record> implements NetsCommand {
    @Mixin
    protected TrainOptions train;

    protected final Model<C> model;
    private final RecordOptions<C> options;
    private CommandSpec spec;

    /**
     * @param start    the record the model's options start at
     * @param training the settings the shared options start at
     */
    protected ModelCommand(Model<C> model, C start, TrainingConfig training) {
        this.model = model;
        this.train = new TrainOptions(training);
        this.options = new RecordOptions<>(model.type(), start);
    }

    /** The command of {@code model}, its options at the model's defaults. */
    public static <C extends Record> ModelCommand<C> of(Model<C> model) {
        return of(model, model.defaults(), model.training());
    }

    private static <C extends Record> ModelCommand<C> of(Model<C> model, C start, TrainingConfig training) {
        if (model instanceof Model.Images<C> images) {
            return new FashionCommand<>(images, start, training);
        }
        return new TextCommand<>((Model.Text<C>) model, start, training);
    }

    /** The command's picocli model: its annotated options (shared and its kind's), then the record's. */
    public CommandSpec spec() {
        if (spec == null) {
            spec = CommandSpec.forAnnotatedObject(this);
            spec.name(model.name());
            spec.usageMessage().description(model.description());
            options.addTo(spec);
            addOptions(spec);
        }
        return spec;
    }

    /** Options of the command's kind that depend on the model; none by default. */
    protected void addOptions(CommandSpec spec) {}

    /** The model's record, from the command's options (its own checks name the option that is wrong). */
    public C config() {
        return options.record();
    }

    /** Trains this model with these (validated) settings until done or stopped; says how it ended. */
    protected abstract Trainer.Outcome train(C config, TrainingConfig t, StopSignal stop);

    /**
     * For a resumed run: checks the command's own data options ({@code asked}, parsed over the record) against the
     * run's record and takes the recorded ones. Nothing by default.
     */
    protected void resumeData(RunConfig recorded, ModelCommand<C> asked) {}

    @Override
    public final Integer call() {
        train.common.apply();
        TrainingConfig t = train.toConfig().validate();
        C c = config();
        if (t.resume() != null) {
            c = resume(t.resume());
            t = train.toConfig();
        }
        StopSignal stop = new StopSignal();
        try (Cli.SignalHook hook = Cli.stopOnSignal(stop)) {
            return train(c, t, stop) == Trainer.Outcome.INTERRUPTED ? Cli.INTERRUPTED : 0;
        }
    }

    /**
     * Resume restores the run, not the command line: the model and the training settings start from the run's
     * record, and the options given are parsed over them. One that would change the model, the data or how it is
     * drawn is refused with a line that names it; the few that may change (more epochs, threads, the dashboard)
     * are taken. Returns the recorded model; {@link #train} then holds the settings to resume with.
     */
    C resume(Path dir) {
        RunConfig recorded = RunConfig.read(dir);
        C was = recorded.hyperParameters(model.type());
        ModelCommand<C> asked = of(model, was, recorded.training());
        Cli.commandLine(asked).parseArgs(spec().commandLine().getParseResult().expandedArgs().toArray(String[]::new));
        List<String> changed = RecordOptions.differences(of(model, was, recorded.training()).config(), asked.config());
        if (!changed.isEmpty()) {
            throw new UserError("--resume " + dir + ": " + String.join(", ", changed) + " would change the model the "
                    + "run trains; a resumed run keeps its model. Start a new run to change it.");
        }
        resumeData(recorded, asked);
        train = new TrainOptions(TrainingRuns.resumable(dir, recorded.training(), asked.train.toConfig()));
        return was;
    }
}
