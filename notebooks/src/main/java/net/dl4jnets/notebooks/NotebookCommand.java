package net.dl4jnets.notebooks;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.DataPaths;
import net.dl4jnets.common.io.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nets notebook}: installs the Java kernel inside the project and starts Jupyter on 127.0.0.1 with a token,
 * serving {@code notebooks/}. Jupyter itself comes from the system (Debian's packages); what it runs is the suite.
 */
@Command(name = "notebook", mixinStandardHelpOptions = true,
        description = "The course's coding practicals as Jupyter notebooks on a Java kernel: installs the kernel in "
                + "the project and starts Jupyter on 127.0.0.1.",
        footer = {"", "Open one notebook directly: the URL it prints, with /tree replaced by /notebooks/<file>, e.g.",
                "  http://127.0.0.1:8888/notebooks/week2-mlp.ipynb?token=<token>",
                "Run one headless, outputs into a copy:",
                "  ./nets notebook --install-only, then the printed JUPYTER_PATH=... jupyter nbconvert --to notebook "
                        + "--execute --ExecutePreprocessor.kernel_name=dl4j-nets --output-dir /tmp notebooks/week1-neuron.ipynb",
                "Jupyter: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient (Debian, Ubuntu)."})
public final class NotebookCommand implements NetsCommand {
    @Option(names = "--port", paramLabel = "N", defaultValue = "8888", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--install-only", description = "Install the kernel and print how to use it with your own "
            + "Jupyter, without starting a server.")
    boolean installOnly;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (port < 1 || port > 65535) {
            throw new UserError("--port must be between 1 and 65535, got " + port + ".");
        }
        Path home = DataPaths.home();
        Path notebooks = home.resolve("notebooks");
        if (!Files.isDirectory(notebooks)) {
            throw new UserError("No notebooks folder at " + notebooks + ": run ./nets from the project's checkout.");
        }
        KernelSpec spec = KernelSpec.ofThisJvm(home);
        Map<String, String> env = spec.install();
        if (installOnly) {
            System.out.println("Kernel 'dl4j-nets' installed in " + spec.dir() + ". Use it with:");
            StringBuilder vars = new StringBuilder();
            env.forEach((k, v) -> vars.append(k).append('=').append(v).append(' '));
            System.out.println("  " + vars + "jupyter notebook " + notebooks);
            return 0;
        }
        String jupyter = onPath("jupyter");
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException taken) {
            throw new UserError("Port " + port + " on 127.0.0.1 is taken (another Jupyter?): choose another with --port.");
        }
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        List<String> command = new ArrayList<>(List.of(jupyter, "notebook", "--no-browser", "--ip=127.0.0.1",
                "--port=" + port, "--port-retries=0", "--notebook-dir=" + notebooks));
        if ("root".equals(System.getProperty("user.name"))) {
            // Jupyter refuses root unless told; containers and CI machines run as root, and it still binds loopback
            command.add("--allow-root");
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.environment().put("JUPYTER_TOKEN", token);
        // stdin not a terminal: Jupyter then stops at the first Ctrl-C instead of asking "Shutdown (y/[n])?"
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        Path log = home.resolve("target/jupyter/server.log");
        pb.redirectError(log.toFile());
        Process server = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server)));
        if (!answers(server, port, 60)) {
            stop(server);
            throw new UserError("Jupyter did not start on 127.0.0.1:" + port + lastComplaint(log) + " (its log: " + log
                    + ").");
        }
        String base = "http://127.0.0.1:" + port;
        System.out.println("Notebooks: " + base + "/tree?token=" + token + "   (Ctrl-C stops Jupyter and its kernels)");
        System.out.println("Week 2 directly: " + base + "/notebooks/week2-mlp.ipynb?token=" + token);
        System.out.println("Jupyter's log: " + log);
        return server.waitFor();
    }

    static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new UserError("'" + program + "' is not on the PATH: install Jupyter (Debian, Ubuntu: sudo apt-get "
                + "install jupyter-notebook jupyter-nbconvert python3-nbclient) and run ./nets notebook again.");
    }

    /** Jupyter's last critical or error line, which says why it stopped ("[C ... NotebookApp] ..."). */
    static String lastComplaint(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i);
                if (l.startsWith("[C ") || l.startsWith("[E ")) {
                    return ": " + l.substring(l.indexOf(']') + 1).strip();
                }
            }
        } catch (IOException unreadable) {
            // the log is named in the message anyway
        }
        return "";
    }

    private static boolean answers(Process server, int port, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end && server.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        return false;
    }

    private static void stop(Process server) {
        if (!server.isAlive()) {
            return;
        }
        List<ProcessHandle> kernels = server.descendants().toList();
        server.destroy(); // SIGTERM: Jupyter shuts its kernels down before it exits
        try {
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            // a kernel Jupyter did not stop (it had 15 s) would run on as an orphan, holding its memory
            for (ProcessHandle k : kernels) {
                if (k.isAlive()) {
                    k.destroy();
                    k.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            kernels.forEach(ProcessHandle::destroyForcibly);
        }
    }

}
