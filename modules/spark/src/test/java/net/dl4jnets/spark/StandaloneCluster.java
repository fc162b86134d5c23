package net.dl4jnets.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine, as an operator starts one: a Master and Workers, each a JVM of its own
 * started from the cluster jar, on 127.0.0.1 with ports of their own. The Workers start their executors as further
 * JVMs, from a minimal SPARK_HOME laid out here: {@code jars/} holding the cluster jar, and {@code SPARK_SCALA_VERSION}
 * set as Spark's own scripts set it (without it a Worker looks for a source build and starts no executor: "Cannot find
 * any build directories"). {@link #close()} stops every process it started and every process those started.
 */
final class StandaloneCluster implements AutoCloseable {
    static final Pattern ALIVE = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    final Path dir;
    final Path jar;
    final Path sparkHome;
    final int masterPort;
    final int masterWebPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final List<Process> drivers = new ArrayList<>();

    StandaloneCluster(Path dir, Path clusterJar) throws IOException, InterruptedException {
        this.dir = dir;
        this.sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        Files.createDirectories(sparkHome.resolve("jars"));
        this.jar = Files.createSymbolicLink(sparkHome.resolve("jars/nets.jar"), clusterJar.toAbsolutePath());
        this.masterPort = freePort();
        this.masterWebPort = freePort();
        this.master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(masterPort), "--webui-port", Integer.toString(masterWebPort));
        awaitWorkers(0);
    }

    String url() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** A Worker with one core, as many as the test asks for; returns its process. */
    Process addWorker(String memory) throws IOException, InterruptedException {
        int i = workers.size() + 1;
        Path work = Files.createDirectories(dir.resolve("work-" + i));
        Process w = start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                "--cores", "1", "--memory", memory, "--work-dir", work.toString(), url());
        workers.add(w);
        awaitWorkers(workers.size());
        return w;
    }

    /** The driver, submitted in client mode by Spark's own SparkSubmit, with the documented flags. */
    Process submit(Path log, List<String> trainArgs) throws IOException {
        String flags = String.join(" ", jvmOptions());
        List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", url(),
                "--deploy-mode", "client", "--class", SparkTrain.class.getName(),
                "--driver-memory", "2g", "--executor-memory", "2g",
                "--conf", "spark.driver.extraJavaOptions=" + flags,
                "--conf", "spark.executor.extraJavaOptions=" + flags,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                jar.toString()));
        args.addAll(trainArgs);
        Process p = process(log, args);
        drivers.add(p);
        return p;
    }

    /** Waits until the Master lists exactly {@code n} live Workers (its JSON page). */
    void awaitWorkers(int n) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI json = URI.create("http://127.0.0.1:" + masterWebPort + "/json/");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < end) {
            try {
                last = http.send(HttpRequest.newBuilder(json).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = ALIVE.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) == n) {
                    return;
                }
            } catch (IOException notYet) {
                // the Master's web page is not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the Master did not list " + n + " live Workers in 90 s: " + last
                + "\nlogs in " + dir);
    }

    /** Waits until the Master lists no running application (a driver that ended has left). */
    void awaitNoApplication() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI json = URI.create("http://127.0.0.1:" + masterWebPort + "/json/");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < end) {
            last = http.send(HttpRequest.newBuilder(json).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (last.replaceAll("\\s", "").contains("\"activeapps\":[]")) {
                // the Workers stop the application's executors as the Master tells them: SIGTERM, then up to 10 s
                // of the executor's shutdown hooks before SIGKILL; on a busy 2-core machine that took over 30 s once
                long stop = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!executors().isEmpty() && System.nanoTime() < stop) {
                    Thread.sleep(200);
                }
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the Master still lists a running application after 60 s: " + last);
    }

    /** The executors' JVMs the Workers are running. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process w : workers) {
            w.descendants().filter(ProcessHandle::isAlive).forEach(all::add);
        }
        return all;
    }

    private Process start(String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(main);
        cmd.addAll(List.of(args));
        return process(dir.resolve(name + ".log"), cmd);
    }

    private Process process(Path log, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        cmd.add("-cp");
        cmd.add(jar.toString());
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    static List<String> jvmOptions() throws IOException {
        return Files.readAllLines(Path.of("jvm.options")).stream().filter(l -> !l.isBlank()).toList();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Kills a process and every process it started (a Worker's executors), as a machine that dies would. */
    static void killTree(Process p) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            h.onExit().completeOnTimeout(h, 30, TimeUnit.SECONDS).join();
        }
    }

    private List<Process> all() {
        List<Process> all = new ArrayList<>(drivers);
        all.addAll(workers);
        all.add(master);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : all()) {
            killTree(p);
        }
    }
}
