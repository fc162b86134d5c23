package net.dl4jnets.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import net.dl4jnets.common.io.UserError;

/**
 * What must hold before Spark can train DL4J on Java 17, checked up front so that a wrong setup gets one line
 * instead of a failed task's stack trace: Scala 2.12.15 or newer (older 2.12 cannot deserialise Java 17's lambdas),
 * the JVM flags (modules/spark/jvm.options) that let ND4J's buffers be serialised, and a master that answers.
 */
final class SparkVersions {
    private SparkVersions() {}

    /**
     * A standalone master (spark://host:port[,host:port]) that does not answer would have Spark retry for a minute and
     * then fail deep inside; a connection attempt says it at once.
     */
    static void reachable(String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            try (Socket s = new Socket()) {
                String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
                int port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1));
                s.connect(new InetSocketAddress(host, port), 5000);
                return;
            } catch (IOException | IllegalArgumentException e) {
                // try the next master of the list
            }
        }
        throw new UserError("--master " + master + ": no Spark master answers there. Start one (sbin/start-master.sh), "
                + "check the address and port (7077 by default), or train locally with --master local[*].");
    }

    static void check() {
        String version = scala.util.Properties.versionNumberString();
        String[] v = version.split("\\.");
        if (v.length < 3 || !v[0].equals("2") || !v[1].equals("12") || Integer.parseInt(v[2].replaceAll("\\D.*", "")) < 15) {
            throw new UserError("Scala " + version + " is on the classpath; dl4j-spark needs Scala 2.12 and Java 17 needs "
                    + "2.12.15 or newer (older ones fail every task deserialising lambdas). Use the spark module's "
                    + "build (./nets spark-train or its shaded jar), or a Spark built for Scala 2.12.15+.");
        }
        if (!Object.class.getModule().isOpen("java.nio", SparkVersions.class.getModule())) {
            throw new UserError("The JVM was started without --add-opens=java.base/java.nio=ALL-UNNAMED and the other "
                    + "flags of modules/spark/jvm.options, which ./nets spark-train passes: Spark cannot serialise ND4J's buffers without them. Add them to the "
                    + "driver's and executors' Java options (spark.driver.extraJavaOptions, "
                    + "spark.executor.extraJavaOptions); see the README, \"More than one machine\".");
        }
    }

    /** Starts Spark, or says in one line why it could not. */
    static JavaSparkContext context(SparkConf conf) {
        reachable(conf.get("spark.master"));
        try {
            return new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new UserError("--master " + conf.get("spark.master") + ": Spark did not start (" + root.getMessage()
                    + "). Check the master's address and that it is running, or use local[*].", e);
        }
    }
}
