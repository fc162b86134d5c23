package net.dl4jnets.common.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * One Fashion-MNIST architecture that {@code compare} trains: its default training settings and how it turns
 * training settings into what the shared run trains ({@link FashionTraining.Spec}). Modules publish theirs through
 * an {@link ArchitectureProvider}; nothing else lists them.
 *
 * @param id       short name used by {@code --archs} and in reports, e.g. {@code cnn-resnet}
 * @param week     the course week that teaches it, which orders the reports
 * @param summary  one line on what it is
 * @param training the settings its own command trains with by default
 * @param spec     the model for given training settings (the seed and learning rate go into its graph)
 */
public record Architecture(String id, int week, String summary, TrainingConfig training,
                           Function<TrainingConfig, FashionTraining.Spec> spec) {
    /** Trains it through the shared run, as its own command would with these settings. */
    public FashionTraining.Outcome train(TrainingConfig t, StopSignal stop) {
        return FashionTraining.run(spec.apply(t), t, stop);
    }

    /** What the modules on the classpath provide, by course week and then in each provider's order. */
    public static List<Architecture> registered() {
        List<Architecture> all = new ArrayList<>();
        for (ArchitectureProvider p : ServiceLoader.load(ArchitectureProvider.class)) {
            all.addAll(p.architectures());
        }
        all.sort(Comparator.comparingInt(Architecture::week)); // stable: keeps each provider's order
        return all;
    }
}
