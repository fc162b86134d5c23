package net.dl4jnets.common.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import net.dl4jnets.common.train.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher's entry point: {@code nets <command> [options]}. Commands are discovered from every module on the
 * classpath through {@link ServiceLoader}: the programs ({@link NetsCommand}) and every registered {@link Model},
 * whose command is derived from it ({@link ModelCommand}).
 */
@Command(name = "nets", mixinStandardHelpOptions = true, version = "dl4j-nets 0.1",
        description = "Neural networks from one neuron to attention, on DeepLearning4J. Run 'nets <command> --help'.",
        subcommandsRepeatable = false)
public final class Nets implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static List<NetsCommand> discover() {
        return ServiceLoader.load(NetsCommand.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(c -> name(c)))
                .toList();
    }

    public static String name(NetsCommand c) {
        Command a = c.getClass().getAnnotation(Command.class);
        if (a == null || a.name().isEmpty()) {
            throw new IllegalStateException(c.getClass() + " must carry @Command(name = ...)");
        }
        return a.name();
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Nets());
        Map<String, Object> commands = new TreeMap<>();
        for (NetsCommand c : discover()) {
            commands.put(name(c), c);
        }
        for (Model<?> m : Model.registered()) {
            if (commands.put(m.name(), ModelCommand.of(m).spec()) != null) {
                throw new IllegalStateException("two commands named " + m.name());
            }
        }
        commands.forEach(cl::addSubcommand);
        if (!cl.getSubcommands().containsKey(SparkTrainElsewhere.NAME)) {
            cl.addSubcommand(SparkTrainElsewhere.NAME, new SparkTrainElsewhere());
        }
        Cli.configure(cl);
        cl.getSubcommands().values().forEach(Cli::configure);
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * The Spark command in the list when modules/spark (80 MB of Spark) is not on the classpath, as in every run but
     * {@code ./nets spark-train}, which builds that module on first use and puts it there.
     */
    @Command(name = SparkTrainElsewhere.NAME, mixinStandardHelpOptions = true,
            description = "Train any architecture on a Spark cluster (./nets builds modules/spark, about 80 MB, the "
                    + "first time it is asked for; './nets spark-train --help' then lists its options).")
    static final class SparkTrainElsewhere implements java.util.concurrent.Callable<Integer> {
        static final String NAME = "spark-train";

        @CommandLine.Parameters(hidden = true)
        List<String> ignored;

        @Override
        public Integer call() {
            throw new net.dl4jnets.common.io.UserError("spark-train needs modules/spark on the classpath: start it as "
                    + "'./nets spark-train ...', which builds the module on first use and adds it.");
        }
    }

    public static void main(String[] args) {
        // JavaCPP otherwise reads /proc/self/statm at every native allocation to police a physical-memory cap; ND4J
        // allocates per op, and dropping the check made the MLP's epoch 10-15% faster (BENCHMARKS.md). Must be set
        // before JavaCPP's Pointer class loads; -D on the command line still wins.
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
        System.exit(run(args));
    }
}
