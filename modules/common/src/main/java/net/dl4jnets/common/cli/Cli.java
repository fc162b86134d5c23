package net.dl4jnets.common.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.StopSignal;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The one command-line convention: picocli parsing, {@code --help} with defaults, and errors the user caused
 * ({@link UserError}, bad options) printed as one line with exit code 2. Other exceptions are bugs and keep their
 * stack trace (exit 1).
 */
public final class Cli {
    public static final int USER_ERROR = 2;
    public static final int INTERRUPTED = 130;

    private Cli() {}

    /** Parses args into the command and runs it; returns the exit code. */
    public static int run(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    /** For a module's {@code main}: runs and exits with its code. */
    public static void main(Object command, String... args) {
        System.exit(run(command, args));
    }

    /** For a model's {@code main}: runs its command and exits with its code. */
    public static void main(Model<?> model, String... args) {
        main(ModelCommand.of(model), args);
    }

    public static CommandLine commandLine(Object command) {
        // a model's command carries options derived from its record, in a spec of its own
        CommandLine cl = new CommandLine(command instanceof ModelCommand<?> m ? m.spec() : command);
        configure(cl);
        return cl;
    }

    static void configure(CommandLine cl) {
        cl.setParameterExceptionHandler(PARAMETER_ERRORS);
        cl.setExecutionExceptionHandler(EXECUTION_ERRORS);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
    }

    private static final IParameterExceptionHandler PARAMETER_ERRORS = (ParameterException ex, String[] args) -> {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("error: " + firstLine(ex.getMessage()) + " (see: " + cl.getCommandSpec().qualifiedName() + " --help)");
        err.flush();
        return USER_ERROR;
    };

    private static final IExecutionExceptionHandler EXECUTION_ERRORS = (Exception ex, CommandLine cl, ParseResult pr) -> {
        UserError user = findUserError(ex);
        if (user != null) {
            cl.getErr().println("error: " + firstLine(user.getMessage()));
            cl.getErr().flush();
            return USER_ERROR;
        }
        throw ex;
    };

    /** While open, a signal (Ctrl-C, SIGTERM) stops training; see {@link #stopOnSignal}. */
    public interface SignalHook extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until closed: on SIGINT or SIGTERM, asks the run to stop after its batch, waits up to two minutes for its
     * checkpoint, then ends the process with {@link #INTERRUPTED} whichever signal it was (the JVM would exit with
     * 128 + the signal's number).
     */
    public static SignalHook stopOnSignal(StopSignal stop) {
        Thread hook = new Thread(() -> {
            stop.request();
            try {
                if (!stop.awaitStopped(120)) {
                    System.err.println("Training did not stop within 120 s; the last epoch's checkpoint is kept.");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(INTERRUPTED);
        }, "nets-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting and the hook is running; it ends the process
            }
        };
    }

    /**
     * As {@link #stopOnSignal}, for a program whose libraries stop themselves in shutdown hooks of their own: Spark
     * stops its context in one, which fails the round in flight before the run can checkpoint. Here the signal is
     * caught before the JVM starts to shut down; the run stops after its batch (a Spark round), checkpoints, and the
     * command returns as usual. A second signal ends the process at once.
     */
    @SuppressWarnings("removal") // sun.misc.Signal: the JDK's one way to handle a signal without starting shutdown
    public static SignalHook stopOnSignalBeforeShutdown(StopSignal stop) {
        Map<Signal, SignalHandler> previous = new HashMap<>();
        AtomicInteger signals = new AtomicInteger();
        for (String name : List.of("INT", "TERM")) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, s -> {
                if (signals.incrementAndGet() > 1) {
                    Runtime.getRuntime().halt(INTERRUPTED);
                }
                System.err.println("Stopping after the round in flight (SIG" + s.getName() + " again stops at once).");
                stop.request();
            }));
        }
        return () -> previous.forEach(Signal::handle);
    }

    /** A UserError anywhere in the cause chain (ND4J and CompletableFuture like to wrap exceptions). */
    static UserError findUserError(Throwable t) {
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t instanceof UserError u) {
                return u;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        return s.replace('\n', ' ').replace('\r', ' ').trim();
    }
}
