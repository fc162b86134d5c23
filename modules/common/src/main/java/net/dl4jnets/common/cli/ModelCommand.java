package net.dl4jnets.common.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.common.train.TrainingRuns;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that trains a model: the shared training options, starting at the model's defaults, and the model's own
 * options, turned into two records ({@link TrainingConfig} and the model's {@code Config}); Ctrl-C stops the run
 * with a checkpoint and exit code 130. With {@code --resume}, both records come from the run's config.json instead,
 * and an option that would change the model or its data is refused ({@link #resume}).
 *
 * @param <C> the model's hyper-parameter record
 */
public abstract class ModelCommand<C extends Record> implements NetsCommand {
    @Mixin
    protected TrainOptions train;

    @Spec
    CommandSpec commandSpec;

    protected ModelCommand(TrainingConfig defaults) {
        train = new TrainOptions(defaults);
    }

    /** The model's record, from the command's options. */
    protected abstract C config();

    /** Sets the command's model options from a recorded model (for a resumed run). */
    protected abstract void startFrom(C recorded);

    /** The model's record type, read off the class's {@code ModelCommand<C>} (or subclass) declaration. */
    @SuppressWarnings("unchecked")
    Class<C> configType() {
        Type t = getClass().getGenericSuperclass();
        while (!(t instanceof ParameterizedType)) {
            t = ((Class<?>) t).getGenericSuperclass();
        }
        return (Class<C>) ((ParameterizedType) t).getActualTypeArguments()[0];
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
        C was = recorded.hyperParameters(configType());
        ModelCommand<C> asked = fresh();
        asked.startFrom(was);
        asked.train = new TrainOptions(recorded.training());
        Cli.commandLine(asked).parseArgs(commandSpec.commandLine().getParseResult().expandedArgs()
                .toArray(String[]::new));
        ModelCommand<C> base = fresh();
        base.startFrom(was);
        List<String> changed = RunConfig.differences(base.config(), asked.config());
        if (!changed.isEmpty()) {
            throw new UserError("--resume " + dir + ": " + String.join(", ", changed.stream()
                    .map(ModelCommand::option).toList()) + " would change the model the run trains; a resumed run "
                    + "keeps its model. Start a new run to change it.");
        }
        resumeData(recorded, asked);
        train = new TrainOptions(TrainingRuns.resumable(dir, recorded.training(), asked.train.toConfig()));
        startFrom(was);
        return was;
    }

    /** A record component's command-line option: convsPerStage is --convs-per-stage. */
    static String option(String component) {
        return "--" + component.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private ModelCommand<C> fresh() {
        try {
            return getClass().getDeclaredConstructor().newInstance();
        } catch (InstantiationException | IllegalAccessException | NoSuchMethodException
                 | InvocationTargetException e) {
            throw new IllegalStateException(getClass() + " needs a public constructor without arguments", e);
        }
    }
}
