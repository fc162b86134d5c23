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
        // training: three forward passes per layer, but two for the first, whose input's gradient nothing needs
        assertEquals(3 * forward - 2L * 784 * 256, Flops.trainingPerExample(conf, Layout.DENSE.inputType()));
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
    void theTransformersCountTheirProjectionsAndAttention() {
        // vision transformer: 16 patches of 7x7, width 64, 4 blocks with an MLP of width 128, 10 classes
        long embed = 2L * 49 * 64 * 16;
        long attention = 4 * 2L * 64 * 64 * 16 + 2 * 2L * 16 * 16 * 64;
        long mlp = 2 * 2L * 64 * 128 * 16;
        long classes = 2L * 64 * 10;
        var vit = SpeedBench.find("transformer").graph(1);
        assertEquals(embed + 4 * (attention + mlp) + classes, Flops.forwardPerExample(vit, Layout.CONV.inputType()));
        assertEquals(2 * embed + 3 * (4 * (attention + mlp) + classes),
                Flops.trainingPerExample(vit, Layout.CONV.inputType()), "the patch embedding reads the image");
        // GPT: 65 characters one-hot, context 128, width 96, 4 causal blocks with an MLP of 384
        int t = 128;
        long chars = 2L * 65 * 96 * t;
        long gptAttention = 4 * 2L * 96 * 96 * t + 2 * 2L * t * t * 96; // the masked half is computed too
        long gptMlp = 2 * 2L * 96 * 384 * t;
        long logits = 2L * 96 * 65 * t;
        var gpt = SpeedBench.find("gpt");
        assertEquals(chars + 4 * (gptAttention + gptMlp) + logits, Flops.forwardPerExample(gpt.graph(1),
                gpt.inputType()));
    }

    @Test
    void speedBenchTimesAFewBatchesAndReportsFlops() {
        SpeedBench s = new SpeedBench();
        Cli.commandLine(s).parseArgs("--model", "mlp", "--batches", "3", "--warmup", "1");
        Map<String, Object> m = s.measure();
        assertEquals("mlp", m.get("model"));
        assertEquals(3, m.get("timed_batches"));
        assertTrue((double) m.get("seconds") > 0 && (double) m.get("examples_per_second") > 0, m.toString());
        assertEquals(1_007_104L, m.get("train_flops_per_example"));
        assertEquals(60_000L, m.get("epoch_examples"));
    }

    @Test
    void speedBenchNeedsAModel() {
        assertEquals(2, Cli.run(new SpeedBench()));
        assertEquals(2, Cli.run(new SpeedBench(), "--model", "vgg16"));
    }
}
