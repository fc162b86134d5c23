package net.dl4jnets.common.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.Nd4jCpu;

import net.dl4jnets.common.io.UserError;
import net.dl4jnets.engine.Engine;

/**
 * Starts ND4J once, the fast way, and says how in one line.
 *
 * <p>These matter for speed on CPU, all measured in BENCHMARKS.md:
 * <ul>
 *   <li>DL4J's oneDNN layer helpers are off unless {@code org.eclipse.deeplearning4j.helpers.disable=false}; they
 *       make a CNN epoch about 7x faster. We set it here so nobody has to remember a JVM flag.</li>
 *   <li>DL4J also needs {@code org.nd4j.nativeblas.Nd4jCpu} (our shim) to see that oneDNN is on.</li>
 *   <li>Threads: ND4J's default of one OpenMP thread per core oversubscribes a small machine for small matrices;
 *       each {@link Workload} has a measured default, and so has the use of oneDNN by libnd4j's own ops.</li>
 *   <li>JavaCPP's physical-memory check at every allocation; it must be off before JavaCPP loads, so
 *       {@code Nets.main} does that, not this class.</li>
 * </ul>
 */
public final class Backend {
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    private static BackendInfo started;
    private static boolean oneDnnOps;

    private Backend() {}

    /** What kind of network will run: the best thread count and use of oneDNN differ (see BENCHMARKS.md). */
    public enum Workload {
        /**
         * Small dense layers: one thread avoids OpenMP overhead on tiny matrix products. The transformers too: their
         * many small operations run faster on one thread than on two (the vision transformer 59.5 against 67.9 ms
         * per batch, BENCHMARKS.md, "Backend settings").
         */
        DENSE(1, true),
        /** Convolutions: oneDNN's kernels scale to every core. */
        CONV(0, true),
        /**
         * LSTM steps are small sequential matrix products, like dense layers. With DL4J's own LSTM the row LSTM ran
         * 12% faster with oneDNN off (its gate gradients fell to oneDNN's reference kernel on strided views); the
         * fast engine's LSTM does its gates in Java, and this setting has not been re-measured with it.
         */
        RECURRENT(1, false),
        /** The character LSTM, with a softmax at every step, kept oneDNN: 2,099 chars/s against 1,730 (one run each). */
        LANGUAGE_MODEL(1, true);

        /** 0 means every available core. */
        final int defaultThreads;
        final boolean oneDnn;

        Workload(int defaultThreads, boolean oneDnn) {
            this.defaultThreads = defaultThreads;
            this.oneDnn = oneDnn;
        }
    }

    /**
     * The one-line description of the backend, printed at start and written to every run's config: with several
     * {@code workers} (replicas trained at once), {@code threads} is each one's share.
     */
    public record BackendInfo(String backend, String build, boolean oneDnn, int threads, int workers, String engine,
                              String machine) {
        public String line() {
            String threading = String.format(Locale.ROOT, "%d thread%s", threads, threads == 1 ? "" : "s");
            if (workers > 1) {
                threading = workers + " workers of " + threading;
            }
            return String.format(Locale.ROOT, "Backend: %s | %s | oneDNN helpers %s | %s | %s | %s",
                    backend, build, oneDnn ? "on" : "off", threading, engine, machine);
        }
    }

    /**
     * The CPU a figure was measured on: its model, its widest vector extension and the cores the JVM may use, for
     * example "AMD EPYC (AVX-512), 2 cores". Machines of one name differ by 2x in DL4J speed, so every run records it.
     */
    public static String machine() {
        String model = System.getProperty("os.arch");
        String vectors = "";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name") && model.equals(System.getProperty("os.arch"))) {
                        model = line.substring(line.indexOf(':') + 1).trim();
                    } else if (line.startsWith("flags") && vectors.isEmpty()) {
                        List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                        vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2"
                                : flags.contains("avx") ? "AVX" : "no AVX";
                    }
                }
            } catch (IOException e) {
                // keep what the JVM knows
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return model + (vectors.isEmpty() ? "" : " (" + vectors + ")") + ", " + cores + " core" + (cores == 1 ? "" : "s");
    }

    /**
     * Starts ND4J with the given thread count (0 or less: the workload's default) and prints the backend line once.
     * Later calls change only the thread count.
     */
    public static synchronized BackendInfo start(int threads, Workload workload) {
        return start(threads, workload, 1);
    }

    /**
     * Starts ND4J for {@code workers} replicas trained at once (0: one per GPU with CUDA, one on a CPU). Unless
     * {@code threads} says otherwise, each replica gets the workload's best thread count or its share of the cores,
     * whichever is smaller: two replicas of two threads each would fight over a 2-core machine.
     */
    public static synchronized BackendInfo start(int threads, Workload workload, int workers) {
        if (started == null) {
            checkSingleBackend();
            // Must be set before the first layer is built: DL4J reads it when a layer creates its helper.
            if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
                System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
            }
            Nd4j.getExecutioner(); // loads the backend; NativeOpsHolder needs its configuration
        }
        int replicas = workers > 0 ? workers : present(CUDA_BACKEND) ? Nd4j.getAffinityManager().getNumberOfDevices() : 1;
        int wanted = threadsEach(threads, workload, replicas, Runtime.getRuntime().availableProcessors());
        if (started == null) {
            setThreads(wanted);
            useOneDnn(workload.oneDnn);
            started = describe(wanted, replicas);
            System.out.println(started.line());
        } else if (started.threads() != wanted || started.workers() != replicas || oneDnnOps != workload.oneDnn
                || !started.engine().equals(Engine.line())) {
            setThreads(wanted);
            useOneDnn(workload.oneDnn);
            started = describe(wanted, replicas);
            System.out.println("Now: " + started.line());
        }
        return started;
    }

    /** Threads per replica: as asked, else the workload's best or the replica's share of the cores, the smaller. */
    static int threadsEach(int asked, Workload workload, int replicas, int cores) {
        if (asked > 0) {
            return asked;
        }
        int best = workload.defaultThreads > 0 ? Math.min(workload.defaultThreads, cores) : cores;
        return Math.max(1, Math.min(best, cores / replicas));
    }

    public static synchronized BackendInfo info() {
        return started != null ? started : start(0, Workload.DENSE);
    }

    /** The thread count a workload gets when none is asked for: its measured best, at most every core. */
    public static int defaultThreads(Workload workload) {
        return resolveDefault(workload);
    }

    private static int resolveDefault(Workload workload) {
        return threadsEach(0, workload, 1, Runtime.getRuntime().availableProcessors());
    }

    private static void useOneDnn(boolean on) {
        Nd4jCpu.Environment.getInstance().setUseMKLDNN(on);
        oneDnnOps = on;
    }

    private static void setThreads(int threads) {
        // The OpenMP pool of libnd4j, its own thread limits, and OpenBLAS each have a setting of their own.
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    private static void checkSingleBackend() {
        boolean cpu = present(CPU_BACKEND);
        boolean cuda = present(CUDA_BACKEND);
        if (cpu && cuda) {
            throw new UserError("Both the CPU (nd4j-native) and CUDA (nd4j-cuda) backends are on the classpath; "
                    + "build with one profile only: the default (CPU) or -Pcuda.");
        }
        if (!cpu && !cuda) {
            throw new UserError("No ND4J backend on the classpath: build with the default CPU profile or with -Pcuda.");
        }
    }

    /** True if the CUDA backend is on the classpath (without loading ND4J). */
    public static boolean cuda() {
        return present(CUDA_BACKEND);
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Backend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static BackendInfo describe(int threads, int workers) {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = env.getProperty("backend", "?");
        boolean cpu = "CPU".equalsIgnoreCase(backend);
        String build;
        if (cpu) {
            build = "nd4j-native " + nativeBuild() + " + " + env.getProperty("blas.vendor", "BLAS");
            String wait = System.getenv("OMP_WAIT_POLICY"); // the launcher's choice, or the user's
            if (wait != null) {
                build += ", OMP_WAIT_POLICY=" + wait;
            }
        } else {
            Object devices = env.get("cuda.devicesInformation");
            build = "nd4j-cuda " + (devices != null ? devices : "") + ", cuDNN helpers "
                    + (present("org.deeplearning4j.cuda.BaseCudnnHelper") ? "present" : "absent");
        }
        boolean oneDnn = cpu && Nd4jCpu.Environment.getInstance().isUseMKLDNN()
                && !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE_PROPERTY, "true"))
                && Nd4j.getEnvironment().helpersAllowed();
        return new BackendInfo(cpu ? "CPU" : "CUDA", build, oneDnn, threads, workers, Engine.line(), machine());
    }

    /** The classifier of the native jar that JavaCPP loaded, read off the cached library's path. */
    private static String nativeBuild() {
        for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
            if (e.getKey().contains("nd4jcpu") && e.getValue() != null) {
                for (Path p = Path.of(e.getValue()).getParent(); p != null; p = p.getParent()) {
                    String name = p.getFileName() == null ? "" : p.getFileName().toString();
                    if (name.startsWith(Loader.getPlatform())) {
                        return name;
                    }
                }
            }
        }
        return Loader.getPlatform();
    }
}
