package net.dl4jnets.common.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A trainable model of the suite as its command sees it: a name, one line on what it does, its hyper-parameter
 * record with the model's defaults ({@link Param} on each setting) and its default training settings, and how a
 * record becomes what the shared run trains. The command line, {@code --help}, {@code config.json} and
 * {@code --resume} are derived from it ({@code net.dl4jnets.common.cli.ModelCommand}); a module registers it in its
 * {@link ArchitectureProvider}.
 *
 * @param <C> the hyper-parameter record
 */
public sealed interface Model<C extends Record> permits Model.Images, Model.Text {
    /** The command: {@code nets <name>}. */
    String name();

    String description();

    /** The record the command's options start at. */
    C defaults();

    /** The training settings the command's shared options start at. */
    TrainingConfig training();

    /** What the modules on the classpath register, by name. */
    static List<Model<?>> registered() {
        List<Model<?>> all = new ArrayList<>();
        for (ArchitectureProvider p : ServiceLoader.load(ArchitectureProvider.class)) {
            all.addAll(p.models());
        }
        all.sort(Comparator.comparing(Model::name));
        return all;
    }

    @SuppressWarnings("unchecked")
    default Class<C> type() {
        return (Class<C>) defaults().getClass();
    }

    /**
     * A Fashion-MNIST classifier.
     *
     * @param spec     the model for its record and training settings (seed and learning rate go into its graph)
     * @param pictures what to draw from a finished run (filters, attention maps), or null; {@code --no-pictures}
     *                 skips it
     */
    record Images<C extends Record>(String name, String description, C defaults, TrainingConfig training,
                                    BiFunction<C, TrainingConfig, FashionTraining.Spec> spec,
                                    Consumer<FashionTraining.Outcome> pictures) implements Model<C> {
        public Images(String name, String description, C defaults, TrainingConfig training,
                      BiFunction<C, TrainingConfig, FashionTraining.Spec> spec) {
            this(name, description, defaults, training, spec, null);
        }

        /** The same model, drawing {@code pictures} after a run that read the test split. */
        public Images<C> withPictures(Consumer<FashionTraining.Outcome> pictures) {
            return new Images<>(name, description, defaults, training, spec, pictures);
        }
    }

    /**
     * A character-level language model.
     *
     * @param spec the model for its record, writing samples of the given length after every epoch
     */
    record Text<C extends Record>(String name, String description, C defaults, TrainingConfig training,
                                  BiFunction<C, Integer, TextTraining.Spec> spec) implements Model<C> {}
}
