package net.dl4jnets.notebooks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import net.dl4jnets.common.data.DataPaths;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;

/**
 * The Java kernel's spec, installed inside the project ({@code target/jupyter/kernels/dl4j-nets/kernel.json}, found
 * through {@code JUPYTER_PATH}), never in the user's home, so two checkouts never share or overwrite one. The kernel
 * is IJava started with {@code -jar} on this JVM, with this JVM's flags (the Vector API module, the backend's settings,
 * {@code nets.home}) and the suite's classpath handed to its JShell, which runs in the kernel's own JVM: ND4J's
 * natives then load as in {@code ./nets}, because ND4J is on that classpath when the first cell runs rather than
 * added from a cell.
 */
public record KernelSpec(Path jupyterDir, Path kernelJar, String java, List<String> jvmFlags, List<String> classpath) {
    public static final String NAME = "dl4j-nets";

    /**
     * The spec of the running JVM, kept in {@code <home>/target/jupyter}: its java, its flags and its classpath (what
     * {@code ./nets} started).
     */
    public static KernelSpec ofThisJvm(Path home) {
        return of(home.resolve("target/jupyter"), home, System.getProperty("java.class.path"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /**
     * @param jupyterDir     where the kernel and Jupyter's own files go
     * @param home           the project's checkout, which the kernel's {@code nets.home} names
     * @param inputArguments the JVM flags the kernel starts with, less any agent
     */
    public static KernelSpec of(Path jupyterDir, Path home, String classpath, List<String> inputArguments) {
        List<String> flags = new ArrayList<>();
        for (String a : inputArguments) {
            // a debugger's or profiler's agent belongs to this process, not to every kernel it starts
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-D" + DataPaths.HOME_PROPERTY + "=")) {
                flags.add(a);
            }
        }
        flags.add("-D" + DataPaths.HOME_PROPERTY + "=" + home);
        flags.add("-Djava.awt.headless=true"); // charts are drawn in memory; no display is needed or wanted
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        List<String> entries = new ArrayList<>();
        for (String e : classpath.split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        return new KernelSpec(jupyterDir, builtKernelJar(), javaCommand, flags, entries);
    }

    /** Where the build copied the kernel's jar (notebooks/pom.xml). */
    static Path builtKernelJar() {
        Properties p = new Properties();
        try (InputStream in = KernelSpec.class.getResourceAsStream("kernel.properties")) {
            if (in == null) {
                throw new IllegalStateException("kernel.properties is missing from the notebooks module's build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path jar = Path.of(p.getProperty("jar"));
        if (!Files.isRegularFile(jar)) {
            throw new UserError("The Java kernel's jar is not at " + jar + ": build the notebooks module "
                    + "('./mvnw -q -pl notebooks -am package -DskipTests', which './nets notebook' runs for you).");
        }
        return jar;
    }

    /** The kernel's folder: {@code <jupyterDir>/kernels/dl4j-nets}. */
    public Path dir() {
        return jupyterDir.resolve("kernels").resolve(NAME);
    }

    /** Writes {@code kernel.json} and returns the environment Jupyter needs to find it and keep its files here. */
    public Map<String, String> install() {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(jvmFlags);
        argv.add("-jar");
        argv.add(kernelJar.toString());
        argv.add("{connection_file}");
        Map<String, String> kernelEnv = new LinkedHashMap<>();
        kernelEnv.put("IJAVA_CLASSPATH", String.join(File.pathSeparator, classpath));
        kernelEnv.put("IJAVA_TIMEOUT", "-1"); // a cell that trains for minutes is not a hung cell
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "Java (dl4j-nets)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", kernelEnv);
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.write(spec, dir().resolve("kernel.json"));
        return jupyterEnvironment();
    }

    /** Jupyter's search path, data, runtime and config folders, all inside {@link #jupyterDir}. */
    public Map<String, String> jupyterEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JUPYTER_PATH", jupyterDir.toString());
        env.put("JUPYTER_DATA_DIR", jupyterDir.resolve("data").toString());
        env.put("JUPYTER_RUNTIME_DIR", jupyterDir.resolve("runtime").toString());
        env.put("JUPYTER_CONFIG_DIR", jupyterDir.resolve("config").toString());
        // nbconvert and the server find kernels only through JUPYTER_PATH; no user-wide kernel may shadow ours
        env.put("JUPYTER_PLATFORM_DIRS", "1");
        return env;
    }
}
