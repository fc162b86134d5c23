package net.dl4jnets.spark;

import java.util.List;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * One round of spark-train's parameter averaging on local[2], against the same round done by hand: each worker's
 * copy of the network fits its partition's two batches, and the driver must then hold the mean of the two copies'
 * parameters and of their Adam moments. Prints the largest differences; run in a JVM with the flags Spark needs.
 */
public final class AveragingProbe {
    public static void main(String[] args) {
        // as spark-train: the statistics take the machine's clock, not an internet time server's
        System.setProperty("org.deeplearning4j.spark.time.TimeSource",
                "org.deeplearning4j.spark.time.SystemClockTimeSource");
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01))
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build();
        ComputationGraph driver = new ComputationGraph(conf);
        driver.init();
        Nd4j.getRandom().setSeed(11);
        List<DataSet> batches = List.of(batch(), batch(), batch(), batch());

        ComputationGraph first = driver.clone();
        ComputationGraph second = driver.clone();
        first.fit(batches.get(0));
        first.fit(batches.get(1));
        second.fit(batches.get(2));
        second.fit(batches.get(3));
        INDArray params = first.params().add(second.params()).divi(2);
        INDArray moments = first.getUpdater().getStateViewArray().add(second.getUpdater().getStateViewArray()).divi(2);

        SparkConf sparkConf = new SparkConf().setMaster("local[2]").setAppName("averaging probe")
                .set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(sparkConf)) {
            // partition 0 holds the first two batches, partition 1 the last two: one round of two per worker
            new SparkComputationGraph(sc, driver, SparkTrain.averaging(2, 8, 2, 42)).fit(sc.parallelize(batches, 2));
        }
        INDArray state = driver.getUpdater().getStateViewArray();
        System.out.printf(Locale.ROOT, "moments |max| %.6g%n", moments.amaxNumber().doubleValue());
        System.out.printf(Locale.ROOT, "parameters differ by %.3g%n",
                driver.params().sub(params).amaxNumber().doubleValue());
        System.out.printf(Locale.ROOT, "moments differ by %.3g%n", state.sub(moments).amaxNumber().doubleValue());
    }

    private static DataSet batch() {
        INDArray x = Nd4j.randn(8, 6);
        INDArray y = Nd4j.zeros(8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 3, 1);
        }
        return new DataSet(x, y);
    }
}
