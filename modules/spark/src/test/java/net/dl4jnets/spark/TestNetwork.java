package net.dl4jnets.spark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Where the test cluster's JVMs live. On loopback, every node is 127.0.0.1. With namespaces, every node (the
 * Master, each Worker with its executors, the driver) runs in a Linux network namespace of its own, with one veth
 * pair to a bridge in a further namespace: what they exchange crosses a link the test can count and cut, and
 * nothing touches the machine's own network (the bridge has no address and no route out). Namespaces need root and
 * iproute2; {@link #create()} falls back to loopback, saying why, where they cannot be made.
 */
abstract class TestNetwork implements AutoCloseable {
    /** The address a node binds and is reached at. */
    abstract String address(String node);

    /** The command that runs a program in the node's network, before the program's own. */
    abstract List<String> prefix(String node);

    /** The body of an HTTP GET from inside the cluster's network, or null if nothing answers. */
    abstract String get(String url) throws IOException, InterruptedException;

    abstract boolean isolated();

    /** Bytes the node sent and received over its link so far, or -1 on loopback. */
    long[] traffic(String node) throws IOException, InterruptedException {
        return new long[] {-1, -1};
    }

    void cut(String node) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("links can be cut only between namespaces");
    }

    void heal(String node) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("links can be cut only between namespaces");
    }

    @Override
    public void close() {}

    static TestNetwork create() {
        try {
            return new Namespaces();
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.out.println("network namespaces unavailable (" + e.getMessage() + "): the cluster runs on 127.0.0.1");
            return new Loopback();
        }
    }

    static final class Loopback extends TestNetwork {
        private final HttpClient http = HttpClient.newHttpClient();

        @Override
        String address(String node) {
            return "127.0.0.1";
        }

        @Override
        List<String> prefix(String node) {
            return List.of();
        }

        @Override
        String get(String url) throws InterruptedException {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException notYet) {
                return null;
            }
        }

        @Override
        boolean isolated() {
            return false;
        }
    }

    static final class Namespaces extends TestNetwork {
        private final String prefix = "nets-it-" + ProcessHandle.current().pid();
        private final String sw = prefix + "-sw";
        private final String subnet = "10.213." + ThreadLocalRandom.current().nextInt(1, 254) + ".";
        private final Map<String, Integer> nodes = new LinkedHashMap<>();

        Namespaces() throws IOException, InterruptedException {
            removeLeftovers();
            ip("netns", "add", sw);
            ip("-n", sw, "link", "add", "br0", "type", "bridge");
            ip("-n", sw, "link", "set", "br0", "up");
        }

        private String ns(String node) {
            return prefix + "-" + nodes.get(node);
        }

        /** The namespace's end of the node's link is veth0; the bridge's end is named after the node's number. */
        private String bridgePort(String node) {
            return "p" + nodes.get(node);
        }

        private synchronized void ensure(String node) throws IOException, InterruptedException {
            if (nodes.containsKey(node)) {
                return;
            }
            nodes.put(node, nodes.size() + 1);
            String ns = ns(node);
            ip("netns", "add", ns);
            ip("link", "add", "veth0", "netns", ns, "type", "veth", "peer", "name", bridgePort(node), "netns", sw);
            ip("-n", ns, "addr", "add", subnet + nodes.get(node) + "/24", "dev", "veth0");
            ip("-n", ns, "link", "set", "veth0", "up");
            ip("-n", ns, "link", "set", "lo", "up");
            ip("-n", sw, "link", "set", bridgePort(node), "master", "br0");
            ip("-n", sw, "link", "set", bridgePort(node), "up");
        }

        @Override
        String address(String node) {
            try {
                ensure(node);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot make the namespace of " + node + ": " + e.getMessage(), e);
            }
            return subnet + nodes.get(node);
        }

        @Override
        List<String> prefix(String node) {
            address(node);
            return List.of("ip", "netns", "exec", ns(node));
        }

        @Override
        String get(String url) throws IOException, InterruptedException {
            String first = nodes.keySet().iterator().next(); // the Master's namespace
            Process p = new ProcessBuilder("ip", "netns", "exec", ns(first), "curl", "-s", "--max-time", "5", url)
                    .redirectErrorStream(true).start();
            String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? body : null;
        }

        @Override
        boolean isolated() {
            return true;
        }

        @Override
        long[] traffic(String node) throws IOException, InterruptedException {
            String tx = ip("-n", ns(node), "-s", "-o", "link", "show", "veth0");
            // "... RX: bytes packets ... \    N P ... TX: bytes ... \    N P ..." on one line with -o
            String[] parts = tx.replace("\\", " ").trim().split("\\s+");
            List<Long> numbers = new ArrayList<>();
            boolean counting = false;
            for (String part : parts) {
                if (part.equals("RX:") || part.equals("TX:")) {
                    counting = true;
                } else if (counting && part.matches("\\d+")) {
                    numbers.add(Long.parseLong(part));
                    counting = false;
                }
            }
            return new long[] {numbers.get(1), numbers.get(0)}; // sent, received
        }

        @Override
        void cut(String node) throws IOException, InterruptedException {
            ip("-n", sw, "link", "set", bridgePort(node), "down");
        }

        @Override
        void heal(String node) throws IOException, InterruptedException {
            ip("-n", sw, "link", "set", bridgePort(node), "up");
        }

        @Override
        public void close() {
            List<String> all = new ArrayList<>();
            nodes.keySet().forEach(n -> all.add(ns(n)));
            all.add(sw);
            for (String ns : all) {
                try {
                    ip("netns", "del", ns);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
                }
            }
        }

        /** Namespaces of earlier test JVMs that were killed before they could delete theirs. */
        private static void removeLeftovers() throws IOException, InterruptedException {
            for (String line : ip("netns", "list").split("\n")) {
                String name = line.split(" ")[0];
                if (name.startsWith("nets-it-")) {
                    long pid = Long.parseLong(name.split("-")[2]);
                    if (ProcessHandle.of(pid).isEmpty()) {
                        ip("netns", "del", name);
                    }
                }
            }
        }

        static String ip(String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("ip"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": " + out.trim());
            }
            return out;
        }
    }
}
