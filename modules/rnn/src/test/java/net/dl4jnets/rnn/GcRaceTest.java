package net.dl4jnets.rnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.common.train.TrainingConfig;

/**
 * A check for a DL4J upgrade, not part of the build: stock DL4J 1.0.0-M2.1 can free a native buffer that an ND4J
 * operation is still reading once garbage collection finds its Java owner unreachable, and the JVM dies with a SIGSEGV
 * in {@code sd::DataBuffer::primary()}. Rare in a training run (one bidirectional LSTM run in four, 2026-12-03); with
 * a collection every millisecond, stock DL4J's LSTM died within two minutes here (in the bias addition of
 * {@code LSTMHelpers}), and so did its {@code Bidirectional}; on the fast engine the bidirectional LSTM died after six
 * (in {@code TimeSeriesUtils.reverseTimeSeries}) while the one-way LSTM ran fifteen. Run:
 * {@code ./mvnw -pl modules/rnn -am verify -Dtest=GcRaceTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dnets.gcRace=true [-Dnets.gcRace.minutes=10] [-Dnets.gcRace.arch=BILSTM] [-Dnets.gcRace.engine=stock]}. A forked
 * VM that crashes fails it; when it passes on a new DL4J, the race is gone and BENCHMARKS.md's note can go.
 */
@EnabledIfSystemProperty(named = "nets.gcRace", matches = "true")
class GcRaceTest {
    @Test
    void inferenceSurvivesGarbageCollectionEveryMillisecond() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("nets.gcRace.minutes", "10"));
        var arch = RowSequenceClassifier.Arch.valueOf(System.getProperty("nets.gcRace.arch", "LSTM"));
        Backend.start(1, Backend.Workload.RECURRENT);
        Engine.choose(Engine.Choice.named(System.getProperty("nets.gcRace.engine", "stock")));
        var c = new RowSequenceClassifier.Config(arch, 128, 1, 0, 128, Augmentation.NONE);
        var graph = Engine.network(RowSequenceClassifier.graph(c, TrainingConfig.DEFAULTS));
        graph.init();
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        collector.setDaemon(true);
        collector.start();
        long end = System.nanoTime() + (long) (minutes * 60e9);
        float[] x = new float[500 * 28 * 28];
        int batches = 0;
        try {
            while (System.nanoTime() < end) {
                for (int k = 0; k < x.length; k += 97) {
                    x[k] = (batches + k) % 7 / 7f;
                }
                INDArray features = Nd4j.create(x, new long[] {500, 28, 28}, 'c');
                INDArray out = graph.outputSingle(false, features);
                assertTrue(Float.isFinite(out.getFloat(0, 0)));
                batches++;
            }
        } finally {
            collector.interrupt();
            Engine.choose(Engine.Choice.FAST); // the default, for the tests after this one in the same JVM
        }
        System.out.println(arch + " on the " + Engine.runs() + " engine: " + batches + " batches in "
                + minutes + " minutes under constant garbage collection, no crash");
    }
}
