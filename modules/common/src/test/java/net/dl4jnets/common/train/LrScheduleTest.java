package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import net.dl4jnets.layers.Linear;

class LrScheduleTest {
    @Test
    void schedulesStartAtTheBaseRateAndFall() {
        for (LrSchedule s : new LrSchedule[] {LrSchedule.CONSTANT, LrSchedule.COSINE, LrSchedule.STEP}) {
            assertEquals(0.1, s.at(0.1, 0, 10), 1e-12, s.name());
        }
        assertEquals(0.05, LrSchedule.COSINE.at(0.1, 5, 10), 1e-12);
        assertTrue(LrSchedule.COSINE.at(0.1, 9, 10) < 0.003);
        assertEquals(0.01, LrSchedule.STEP.at(0.1, 5, 10), 1e-12);
        assertEquals(0.001, LrSchedule.STEP.at(0.1, 8, 10), 1e-12);
        assertEquals(0.1, LrSchedule.CONSTANT.at(0.1, 9, 10), 1e-12);
    }

    @Test
    void theWarmUpRisesLinearlyToTheBaseRateThenFollowsTheCosine() {
        assertEquals(0.01, LrSchedule.WARMUP.at(0.1, 0.0), 1e-12);
        assertEquals(0.055, LrSchedule.WARMUP.at(0.1, 0.025), 1e-12);
        assertEquals(0.1, LrSchedule.WARMUP.at(0.1, 0.05), 1e-12);
        assertEquals(0.05, LrSchedule.WARMUP.at(0.1, 0.525), 1e-12);
        assertTrue(LrSchedule.WARMUP.continuous() && !LrSchedule.COSINE.continuous());
    }

    @Test
    void aContinuousScheduleChangesTheRateWithinAnEpoch(@TempDir Path dir) {
        ComputationGraph graph = new ComputationGraph(TinyClassifier.graph(0.01));
        graph.init();
        // 8 batches an epoch, the rate set at batches 1 and 21, ...: within the first epoch of 2, it leaves the warm-up
        Trainer.Result r = TinyClassifier.trainer(TinyClassifier.settings(2).withLrSchedule(LrSchedule.WARMUP)
                .withLr(0.01)).fit(graph, TinyClassifier.data(), RunFolder.create(dir, "warm"));
        double set = LrSchedule.WARMUP.at(0.01, (1 + 1.0 / 8) / 2); // the last set: epoch 2, batch 1
        assertEquals(set, r.history().get(1).learningRate(), 1e-9);
    }

    @Test
    void trainerAppliesTheScheduleEachEpochAndRecordsIt(@TempDir Path dir) {
        ComputationGraph graph = new ComputationGraph(TinyClassifier.graph(0.01));
        graph.init();
        TrainingConfig cosine = TinyClassifier.settings(3).withLrSchedule(LrSchedule.COSINE).withLr(0.01);
        Trainer.Result r = TinyClassifier.trainer(cosine).fit(graph, TinyClassifier.data(), RunFolder.create(dir, "tiny"));
        for (EpochRecord e : r.history()) {
            assertEquals(LrSchedule.COSINE.at(0.01, e.epoch() - 1, 3), e.learningRate(), 1e-9, "epoch " + e.epoch());
        }
    }

    /** The model file says what rate ran: the epoch schedule DL4J applied, or what the trainer set as it went. */
    @Test
    void theSavedConfigurationHoldsTheScheduleThatRan(@TempDir Path dir) {
        TrainingConfig cosine = TinyClassifier.settings(3).withLrSchedule(LrSchedule.COSINE).withLr(0.01);
        ComputationGraph graph = new ComputationGraph(TinyClassifier.graph(cosine));
        graph.init();
        RunFolder run = RunFolder.create(dir, "cosine");
        TinyClassifier.trainer(cosine).fit(graph, TinyClassifier.data(), run);
        ISchedule saved = LrScheduler.schedule(Checkpoints.loadModel(RunFolder.open(run.dir()).checkpoint()));
        MapSchedule byEpoch = assertInstanceOf(MapSchedule.class, saved);
        assertEquals(ScheduleType.EPOCH, byEpoch.getScheduleType());
        for (int e = 0; e < 3; e++) {
            assertEquals(LrSchedule.COSINE.at(0.01, e, 3), byEpoch.valueAt(0, e), 1e-12, "epoch " + e);
        }

        TrainingConfig warm = TinyClassifier.settings(2).withLrSchedule(LrSchedule.WARMUP).withLr(0.01);
        graph = new ComputationGraph(TinyClassifier.graph(warm));
        graph.init();
        TinyClassifier.trainer(warm).fit(graph, TinyClassifier.data(), RunFolder.create(dir, "warm"));
        MapSchedule byIteration = assertInstanceOf(MapSchedule.class, LrScheduler.schedule(graph));
        assertEquals(ScheduleType.ITERATION, byIteration.getScheduleType());
        // set at the start of each epoch of 8 batches and at its first batch: iterations 0, 1, 8 and 9
        assertEquals(java.util.Set.of(0, 1, 8, 9), byIteration.getValues().keySet());
        assertEquals(LrSchedule.WARMUP.at(0.01, (1 + 1.0 / 8) / 2), byIteration.valueAt(9, 1), 1e-12);
    }

    /**
     * The suite's attention layers follow the schedule too. DL4J's own setLearningRate changes its kinds of layer
     * only; the vision transformer and the GPT trained their attention and MLP layers at the base rate while their
     * warm-up and cosine moved the rest, until LrScheduler set them itself.
     */
    @Test
    void theAttentionLayersFollowTheRateAsDl4jsLayersDo() {
        var conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.1)).graphBuilder()
                .addInputs("chars").setInputTypes(InputType.recurrent(5, 4))
                .addLayer("embed", new Linear(5, 8, 4, false, true, 0.02).ncw(true, true), "chars")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5)
                        .activation(Activation.SOFTMAX).build(), "embed")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        graph.setLearningRate(0.001); // DL4J's own
        assertEquals(0.001, ((BaseLayer) graph.getLayer("out").conf().getLayer()).getIUpdater()
                .getLearningRate(0, 0), 1e-12);
        assertEquals(0.1, rate(graph, "embed"), 1e-12, "DL4J left the attention layer's rate alone");
        LrScheduler.set(graph, new FixedSchedule(0.002));
        assertEquals(0.002, rate(graph, "embed"), 1e-12);
        assertEquals(0.002, ((BaseLayer) graph.getLayer("out").conf().getLayer()).getIUpdater()
                .getLearningRate(0, 0), 1e-12);
        // and the running updater uses it: one step of Adam moves a weight by about the rate
        INDArray before = graph.getParam("embed_W").dup();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 5, 4);
        graph.fit(new DataSet(x, Nd4j.zeros(DataType.FLOAT, 2, 5, 4).putScalar(new int[] {0, 1, 0}, 1)));
        double moved = graph.getParam("embed_W").sub(before).amaxNumber().doubleValue();
        assertTrue(moved > 0.0015 && moved < 0.0025, "Adam's first step moves a weight by about the rate: " + moved);
    }

    static double rate(ComputationGraph graph, String layer) {
        return ((AbstractSameDiffLayer) graph.getLayer(layer).conf().getLayer()).getUpdater().getLearningRate(0, 0);
    }

    @Test
    void clippingIsSetOnEveryTrainableLayer() {
        var conf = GradientClipping.apply(TinyClassifier.graph(0.01), 1.5);
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        for (var layer : graph.getLayers()) {
            var base = (BaseLayer) layer.conf().getLayer();
            assertEquals(GradientNormalization.ClipL2PerLayer, base.getGradientNormalization());
            assertEquals(1.5, base.getGradientNormalizationThreshold(), 0);
        }
    }
}
