package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.rnn.RowSequenceClassifier;

class FlopsTest {
    @Test
    void mlpFlopsAreTheHandComputedValue() {
        // 784-256-128-10: a multiply-add per weight, 2 FLOPs each
        long forward = 2L * (784 * 256 + 256 * 128 + 128 * 10);
        assertEquals(469_504, forward);
        var conf = SpeedBench.find("mlp").graph(1);
        assertEquals(forward, Flops.forwardPerExample(conf, Layout.DENSE.inputType()));
        assertEquals(3 * forward, Flops.trainingPerExample(conf, Layout.DENSE.inputType()));
    }

    @Test
    void convolutionsCountEveryOutputPixel() {
        long conv1 = 2L * 5 * 5 * 1 * 32 * 24 * 24; // no padding: 28 → 24
        long conv2 = 2L * 5 * 5 * 32 * 64 * 8 * 8; // 12 → 8 after the first 2x2 pooling
        long dense = 2L * 4 * 4 * 64 * 256 + 2L * 256 * 10;
        assertEquals(conv1 + conv2 + dense,
                Flops.forwardPerExample(SpeedBench.find("cnn2").graph(1), Layout.CONV.inputType()));
        // batchnorm adds no matrix products
        assertEquals(conv1 + conv2 + dense,
                Flops.forwardPerExample(SpeedBench.find("cnn2-bn").graph(1), Layout.CONV.inputType()));
    }

    @Test
    void recurrentCellsCountEveryStepAndBothDirections() {
        long lstm = 2L * 4 * (28 + 128) * 128 * 28;
        long out = 2L * 128 * 10;
        assertEquals(lstm + out, Flops.forwardPerExample(SpeedBench.find("lstm").graph(1),
                Layout.SEQUENCE.inputType()));
        var bi = RowSequenceClassifier.graph(
                new RowSequenceClassifier.Config(RowSequenceClassifier.Arch.BILSTM, 16, 1, 0, 0, Augmentation.NONE),
                TrainingConfig.DEFAULTS);
        assertEquals(2 * 2L * 4 * (28 + 16) * 16 * 28 + 2L * 32 * 10,
                Flops.forwardPerExample(bi, Layout.SEQUENCE.inputType()));
    }

    @Test
    void speedBenchTimesAFewBatchesAndReportsFlops() {
        SpeedBench s = new SpeedBench();
        Cli.commandLine(s).parseArgs("--model", "mlp", "--batches", "3", "--warmup", "1");
        Map<String, Object> m = s.measure();
        assertEquals("mlp", m.get("model"));
        assertEquals(3, m.get("timed_batches"));
        assertTrue((double) m.get("seconds") > 0 && (double) m.get("examples_per_second") > 0, m.toString());
        assertEquals(1_408_512L, m.get("train_flops_per_example"));
        assertEquals(60_000L, m.get("epoch_examples"));
    }

    @Test
    void speedBenchNeedsAModel() {
        assertEquals(2, Cli.run(new SpeedBench()));
        assertEquals(2, Cli.run(new SpeedBench(), "--model", "vgg16"));
    }
}
