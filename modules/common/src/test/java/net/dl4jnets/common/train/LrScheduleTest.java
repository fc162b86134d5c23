package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
