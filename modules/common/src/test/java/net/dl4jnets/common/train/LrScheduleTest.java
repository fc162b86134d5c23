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
        for (LrSchedule s : LrSchedule.values()) {
            assertEquals(0.1, s.at(0.1, 0, 10), 1e-12, s.name());
        }
        assertEquals(0.05, LrSchedule.COSINE.at(0.1, 5, 10), 1e-12);
        assertTrue(LrSchedule.COSINE.at(0.1, 9, 10) < 0.003);
        assertEquals(0.01, LrSchedule.STEP.at(0.1, 5, 10), 1e-12);
        assertEquals(0.001, LrSchedule.STEP.at(0.1, 8, 10), 1e-12);
        assertEquals(0.1, LrSchedule.CONSTANT.at(0.1, 9, 10), 1e-12);
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
