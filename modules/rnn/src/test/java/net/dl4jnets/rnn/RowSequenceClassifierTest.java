package net.dl4jnets.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.FashionCommand;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.engine.GradientChecks;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TrainingConfig;

class RowSequenceClassifierTest {
    static final TrainingConfig SEED_1 = TrainingConfig.DEFAULTS.withSeed(1);

    @ParameterizedTest
    @EnumSource(RowSequenceClassifier.Arch.class)
    void eachArchReadsTwentyEightRowsAndGivesTenProbabilities(RowSequenceClassifier.Arch arch) {
        ComputationGraph g = new ComputationGraph(RowSequenceClassifier.graph(
                new RowSequenceClassifier.Config(arch, 8, 2, 0.2, 4, Augmentation.NONE), SEED_1)); // stacked, a head
        g.init();
        INDArray out = g.outputSingle(Nd4j.rand(3, 28, 28));
        assertArrayEquals(new long[] {3, 10}, out.shape());
        assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4);
    }

    @ParameterizedTest
    @EnumSource(RowSequenceClassifier.Arch.class)
    void dropoutFallsBetweenStackedLayersNeverOnThePixels(RowSequenceClassifier.Arch arch) {
        var conf = RowSequenceClassifier.graph(new RowSequenceClassifier.Config(arch, 4, 3, 0.25, 0, Augmentation.NONE),
                SEED_1);
        for (int i = 1; i <= 3; i++) {
            Layer layer = ((LayerVertex) conf.getVertices().get("rnn" + i)).getLayerConf().getLayer();
            if (layer instanceof Bidirectional b) {
                layer = b.getFwd();
            }
            IDropout d = layer.getIDropout();
            if (i == 1) {
                assertNull(d, "the first layer reads the pixels");
            } else {
                assertEquals(0.75, ((Dropout) d).getP(), 1e-12, "rnn" + i + " keeps 75% of the layer below");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"SIMPLE, 1", "LSTM, 1", "LSTM, 2"})
    void backpropMatchesFiniteDifferencesOnATinyLstm(RowSequenceClassifier.Arch arch, int layers) {
        var conf = RowSequenceClassifier.graph(
                new RowSequenceClassifier.Config(arch, 3, layers, 0, 0, Augmentation.NONE), SEED_1,
                InputType.recurrent(4, 5));
        INDArray labels = Nd4j.zeros(2, 10);
        labels.putScalar(0, 2, 1);
        labels.putScalar(1, 9, 1);
        assertTrue(GradientChecks.check(conf, Nd4j.rand(2, 4, 5).subi(0.5), labels));
    }

    @Test
    void oneEpochOfTheLstmOnFiveThousandImagesBeatsSixtyPercent(@TempDir Path out) {
        var rnn = FashionCommand.of(RowSequenceClassifier.MODEL);
        Cli.commandLine(rnn).parseArgs("--limit", "5000", "--epochs", "1", "--val-size", "500", "--out", out.toString());
        FashionTraining.Outcome o = rnn.run(new StopSignal());
        assertTrue(o.testAccuracy() > 0.60, "test accuracy " + o.testAccuracy());
    }
}
