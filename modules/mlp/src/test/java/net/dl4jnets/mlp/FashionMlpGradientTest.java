package net.dl4jnets.mlp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.engine.GradientChecks;
import net.dl4jnets.common.train.TrainingConfig;

class FashionMlpGradientTest {
    @Test
    void backpropMatchesFiniteDifferencesOnASmallMlp() {
        // The Fashion-MNIST MLP's own builder, on 12 inputs instead of 784: GradientCheckUtil checks every parameter.
        var c = new FashionMlp.Config(List.of(6, 5), 0.2, 0.2, 1e-5, true, Augmentation.NONE);
        var conf = FashionMlp.graph(c, TrainingConfig.DEFAULTS.withSeed(1), InputType.feedForward(12));
        var labels = Nd4j.zeros(4, 10);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, (i * 3) % 10, 1);
        }
        assertTrue(GradientChecks.check(conf, Nd4j.rand(4, 12).subi(0.5), labels));
    }
}
