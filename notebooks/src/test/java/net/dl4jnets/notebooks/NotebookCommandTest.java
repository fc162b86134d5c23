package net.dl4jnets.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nets notebook} as a user starts it, in its own JVM: Jupyter answers on 127.0.0.1 only, refuses a request
 * without the token, and stops with its kernels when the command is stopped.
 */
class NotebookCommandTest {
    static final Pattern URL = Pattern.compile("Notebooks: http://127\\.0\\.0\\.1:(\\d+)/tree\\?token=([0-9a-f]+)");

    static Process start(Path home, int port) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Dnets.home=" + home,
                "-cp", classpath, "net.dl4jnets.common.cli.Nets", "notebook", "--port", Integer.toString(port));
        return pb.redirectErrorStream(true).start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void servesOnLoopbackWithATokenAndStopsWithItsKernels(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("notebooks"));
        Files.copy(NotebooksTest.MODULE.resolve("week1-neuron.ipynb"), home.resolve("notebooks/week1-neuron.ipynb"));
        int port = freePort();
        Process nets = start(home, port);
        List<ProcessHandle> tree = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(nets.getInputStream(), StandardCharsets.UTF_8));
            String token = null;
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String line;
            while (token == null && System.nanoTime() < end && (line = out.readLine()) != null) {
                seen.add(line);
                Matcher m = URL.matcher(line);
                if (m.find()) {
                    assertEquals(port, Integer.parseInt(m.group(1)));
                    token = m.group(2);
                }
            }
            assertNotNull(token, "no URL printed; the command said:\n" + String.join("\n", seen));
            assertTrue(token.length() >= 32, "a token of 24 random bytes, got " + token);
            assertTrue(Files.isRegularFile(home.resolve("target/jupyter/kernels/dl4j-nets/kernel.json")),
                    "the kernel is installed inside the project");

            HttpClient http = HttpClient.newHttpClient();
            URI api = URI.create("http://127.0.0.1:" + port + "/api/kernels");
            assertEquals(403, http.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "a request without the token is refused");
            assertEquals(200, http.send(HttpRequest.newBuilder(api).header("Authorization", "token " + token).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "the token opens it");

            // a kernel started through the server is stopped with it
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(api).header("Authorization", "token " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"dl4j-nets\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, started.statusCode(), started.body());

            for (InetAddress a : otherAddresses()) {
                try (Socket s = new Socket()) {
                    assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(a, port), 2000),
                            "Jupyter must not answer on " + a);
                }
            }
            Thread.sleep(2000); // the kernel's JVM is up by now
            nets.descendants().forEach(tree::add);
            assertTrue(tree.stream().anyMatch(p -> p.info().command().orElse("").endsWith("java")),
                    "the kernel's JVM runs under the command: " + tree.stream().map(p -> p.info().commandLine()
                            .orElse("?")).toList());
        } finally {
            nets.destroy(); // SIGTERM, as Ctrl-C or a service manager stops it
            assertTrue(nets.waitFor(60, TimeUnit.SECONDS), "nets notebook did not stop within a minute");
            for (ProcessHandle p : tree) {
                p.onExit().get(30, TimeUnit.SECONDS);
                assertFalse(p.isAlive(), "left running: " + p.info().commandLine().orElse("?"));
            }
        }
        try (Socket s = new Socket()) {
            assertThrows(IOException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 2000));
        }
    }

    @Test
    void aTakenPortIsAClearError(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("notebooks"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process nets = start(home, taken.getLocalPort());
            String said = new String(nets.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(nets.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, nets.exitValue(), said);
            assertTrue(said.contains("Port " + taken.getLocalPort() + " on 127.0.0.1 is taken") && said.contains("--port"), said);
            assertFalse(said.contains("\tat "), "no stack trace: " + said);
        }
    }

    /** This machine's addresses other than loopback: Jupyter must be closed on every one. */
    static List<InetAddress> otherAddresses() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback()) {
                Collections.list(n.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address).forEach(out::add);
            }
        }
        return out;
    }
}
