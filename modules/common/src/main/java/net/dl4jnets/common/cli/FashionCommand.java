package net.dl4jnets.common.cli;

import net.dl4jnets.common.train.BatchFit;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command that trains a Fashion-MNIST classifier through the shared run, then draws the model's pictures.
 *
 * @param <C> the model's hyper-parameter record
 */
public final class FashionCommand<C extends Record> extends ModelCommand<C> {
    private final Model.Images<C> images;
    private OptionSpec pictures;

    FashionCommand(Model.Images<C> model, C start, TrainingConfig training) {
        super(model, start, training);
        this.images = model;
    }

    /** The command of {@code model}, its options at the model's defaults. */
    public static <C extends Record> FashionCommand<C> of(Model.Images<C> model) {
        return new FashionCommand<>(model, model.defaults(), model.training());
    }

    /** {@code --[no-]pictures} for a model that draws some. */
    @Override
    protected void addOptions(CommandSpec spec) {
        if (images.pictures() != null) {
            pictures = OptionSpec.builder("--pictures").type(boolean.class).negatable(true).fallbackValue("true")
                    .initialValue(true).hasInitialValue(true)
                    .description("Draw the model's pictures after training (default: true).").build();
            spec.addOption(pictures);
        }
    }

    @Override
    protected Trainer.Outcome train(C config, TrainingConfig t, StopSignal stop) {
        return run(config, t, stop).training().outcome();
    }

    /** Trains as the parsed command line asks (a fresh run) and returns the whole outcome; tests look into it. */
    public FashionTraining.Outcome run(StopSignal stop) {
        return run(config(), train.toConfig().validate(), stop);
    }

    private FashionTraining.Outcome run(C config, TrainingConfig t, StopSignal stop) {
        FashionTraining.Outcome o = FashionTraining.run(images.spec().apply(config, t), t, stop, BatchFit.STANDARD);
        if (o.test() != null && pictures != null && (boolean) pictures.getValue()) {
            images.pictures().accept(o);
        }
        return o;
    }
}
