package net.dl4jnets.common.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * One Fashion-MNIST architecture that {@code compare} trains: the model command that builds it and the arguments
 * that select it (for example {@code cnn --arch resnet}). Modules publish theirs through an
 * {@link ArchitectureProvider}; nothing else lists them.
 *
 * @param id      short name used by {@code --archs} and in reports, e.g. {@code cnn-resnet}
 * @param week    the course week that teaches it, which orders the reports
 * @param summary one line on what it is
 */
public record Architecture(String id, int week, String summary, Supplier<? extends FashionModel> model,
                           List<String> args) {
    public Architecture {
        args = List.copyOf(args);
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
