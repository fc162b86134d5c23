package net.dl4jnets.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine, as an operator starts one: a Master and Workers, each a JVM of its own
 * started from the cluster jar, each in a network namespace of its own where the machine allows it (else all on
 * 127.0.0.1 with ports of their own; {@link TestNetwork}). The Workers start their executors as further
 * JVMs, from a minimal SPARK_HOME laid out here: {@code jars/} holding the cluster jar, and {@code SPARK_SCALA_VERSION}
 * set as Spark's own scripts set it (without it a Worker looks for a source build and starts no executor: "Cannot find
 * any build directories"). {@link #close()} stops every process it started and every process those started, and
 * removes the namespaces.
 */
final class StandaloneCluster implements AutoCloseable {
    static final Pattern ALIVE = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    /**
     * A Worker unheard of for 10 s is lost (Spark's default, 60 s, would make the link test slow). The Workers are
     * told too: they send their heartbeats every quarter of their own setting, and at the default's 15 s the Master
     * dropped both Workers of a healthy run.
     */
    static final String WORKER_TIMEOUT = "-Dspark.worker.timeout=10";

    final Path dir;
    final Path jar;
    final Path sparkHome;
    final int masterPort;
    final int masterWebPort;
    final TestNetwork network;
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
        this.network = TestNetwork.create();
        try {
            this.master = start("master", List.of(WORKER_TIMEOUT),
                    "org.apache.spark.deploy.master.Master", "--host", network.address("master"),
                    "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterWebPort));
            awaitWorkers(0);
        } catch (IOException | InterruptedException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    String url() {
        return "spark://" + network.address("master") + ":" + masterPort;
    }

    /** A Worker with one core, as many as the test asks for; returns its process. */
    Process addWorker(String memory) throws IOException, InterruptedException {
        int i = workers.size() + 1;
        Path work = Files.createDirectories(dir.resolve("work-" + i));
        Process w = start("worker-" + i, List.of(WORKER_TIMEOUT), "org.apache.spark.deploy.worker.Worker",
                "--host", network.address("worker-" + i),
                "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                "--cores", "1", "--memory", memory, "--work-dir", work.toString(), url());
        workers.add(w);
        awaitWorkers(workers.size());
        return w;
    }

    /** The driver, submitted in client mode by Spark's own SparkSubmit, with the documented flags. */
    Process submit(Path log, List<String> trainArgs) throws IOException {
        return submit(log, List.of(), trainArgs);
    }

    /** The same with further {@code --conf} settings (KEY=VALUE) for the application. */
    Process submit(Path log, List<String> conf, List<String> trainArgs) throws IOException {
        String flags = String.join(" ", jvmOptions());
        List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", url(),
                "--deploy-mode", "client", "--class", SparkTrain.class.getName(),
                "--driver-memory", "2g", "--executor-memory", "2g",
                "--conf", "spark.driver.extraJavaOptions=" + flags,
                "--conf", "spark.executor.extraJavaOptions=" + flags,
                "--conf", "spark.driver.host=" + network.address("driver"), "--conf", "spark.ui.enabled=false"));
        for (String c : conf) {
            args.addAll(List.of("--conf", c));
        }
        args.add("local:" + jar);
        args.addAll(trainArgs);
        Process p = process("driver", log, List.of(), args);
        drivers.add(p);
        return p;
    }

    /** Waits until the Master lists exactly {@code n} live Workers (its JSON page). */
    void awaitWorkers(int n) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < end) {
            String page = masterJson(); // null while the Master's web page is not up yet
            if (page != null) {
                last = page;
                Matcher m = ALIVE.matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) == n) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the Master did not list " + n + " live Workers in 90 s: " + last
                + "\nlogs in " + dir);
    }

    /** Waits until the Master lists no running application (a driver that ended has left). */
    void awaitNoApplication() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < end) {
            last = String.valueOf(masterJson());
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

    /** The Master's state as its web page gives it in JSON, or null if it does not answer. */
    String masterJson() throws IOException, InterruptedException {
        return network.get("http://" + network.address("master") + ":" + masterWebPort + "/json/");
    }

    /** The executors' JVMs the Workers are running. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process w : workers) {
            w.descendants().filter(ProcessHandle::isAlive).forEach(all::add);
        }
        return all;
    }

    private Process start(String node, List<String> jvmArgs, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(main);
        cmd.addAll(List.of(args));
        return process(node, dir.resolve(node + ".log"), jvmArgs, cmd);
    }

    /** A JVM in the node's network ({@code ip netns exec} replaces itself with java: the process is the JVM). */
    private Process process(String node, Path log, List<String> jvmArgs, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(network.prefix(node));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(jar.toString());
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", network.address(node));
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
        try {
            for (Process p : all()) {
                killTree(p);
            }
        } finally {
            network.close();
        }
    }
}
