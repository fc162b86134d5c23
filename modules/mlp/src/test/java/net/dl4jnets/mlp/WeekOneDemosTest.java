package net.dl4jnets.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.report.PngAssert;

/** Each week-1 demo's claim, asserted from a short run of the demo itself, and its pictures checked. */
class WeekOneDemosTest {
    @TempDir
    Path out;

    private <T> T parsed(T command, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--out";
        all[1] = out.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        Cli.commandLine(command).parseArgs(all);
        return command;
    }

    @Test
    void activationSlopesComeFromBackpropAndArePlotted() {
        ActivationsDemo.Result r = parsed(new ActivationsDemo()).run();
        double[][] sigmoid = r.table().get(Activation.SIGMOID); // at x = -2, -1, 0, 1, 2
        assertEquals(0.5, sigmoid[0][2], 1e-6);
        assertEquals(0.25, sigmoid[1][2], 1e-6, "sigmoid'(0) = 1/4: the most a sigmoid passes back");
        assertEquals(0.0, r.table().get(Activation.RELU)[1][1], 1e-12, "ReLU'(-1) = 0");
        assertEquals(1.0, r.table().get(Activation.RELU)[1][3], 1e-12, "ReLU'(1) = 1");
        assertEquals(1 - Math.pow(Math.tanh(1), 2), r.table().get(Activation.TANH)[1][3], 1e-6);
        assertEquals(1.0, Arrays.stream(r.softmax()).sum(), 1e-6);
        PngAssert.exactly(r.folder().resolve("activations.png"), 1800, 800);
    }

    @Test
    void crossEntropyPunishesConfidentMistakesMost() {
        LossesDemo.Result r = parsed(new LossesDemo()).run();
        var wrong = r.get("confident and wrong");
        var worst = r.get("very confident and wrong");
        assertEquals(-Math.log(0.01), worst.crossEntropy(), 1e-6);
        assertTrue(worst.crossEntropy() / wrong.crossEntropy() > 1.9, "cross-entropy doubles");
        assertTrue(worst.mse() / wrong.mse() < 1.5, "MSE barely moves");
        assertTrue(worst.crossEntropy() > 5 * worst.mse());
        PngAssert.exactly(r.folder().resolve("losses.png"), 900, 560);
    }

    @Test
    void oneNeuronFitsTheLine() {
        LinearFit.Result r = parsed(new LinearFit()).run();
        assertEquals(1.0, r.fit().w(), 0.05);
        assertEquals(1.0, r.fit().b(), 0.05);
        assertTrue(r.fit().finalLoss() < 1e-4);
        PngAssert.exactly(r.folder().resolve("fit.png"), 900, 560);
    }

    @Test
    void backpropAgreesWithFiniteDifferencesAndPredictsTheStep() {
        BackpropDemo.Result r = parsed(new BackpropDemo()).run();
        assertEquals(9, r.checks().size(), "2x2 + 2 + 2x1 + 1 parameters");
        assertTrue(r.maxDifference() < 1e-6, "largest difference " + r.maxDifference());
        double actual = r.lossAfter() - r.lossBefore();
        assertTrue(actual < 0, "the step lowers the loss");
        assertEquals(r.predictedChange(), actual, 0.1 * Math.abs(r.predictedChange()), "within 10% of the prediction");
    }

    @Test
    void learningRateRegimesAreMeasuredAsTheyShouldBe() {
        LearningRates.Result r = parsed(new LearningRates()).run();
        assertEquals(LearningRates.Verdict.TOO_SMALL, r.runs().get(0).verdict());
        assertEquals(LearningRates.Verdict.CONVERGED, r.runs().get(1).verdict());
        assertEquals(LearningRates.Verdict.DIVERGED, r.runs().get(2).verdict());
        PngAssert.exactly(r.folder().resolve("learning-rates.png"), 900, 560);
    }

    @Test
    void verdictsFollowTheLosses() {
        assertEquals(LearningRates.Verdict.DIVERGED, LearningRates.classify(new double[] {1, 0.5, 2}));
        assertEquals(LearningRates.Verdict.DIVERGED, LearningRates.classify(new double[] {1, Double.NaN}));
        assertEquals(LearningRates.Verdict.CONVERGED, LearningRates.classify(new double[] {1, 0.1, 1e-5}));
        assertEquals(LearningRates.Verdict.TOO_SMALL, LearningRates.classify(new double[] {1, 0.9, 0.8}));
    }

    @Test
    void smallerBatchesMakeMoreUpdatesAndGetFurtherPerEpoch() {
        BatchSizes.Result r = parsed(new BatchSizes(), "--examples", "256", "--epochs", "5").run();
        var full = r.curves().get(0);
        var mini = r.curves().get(1);
        var sgd = r.curves().get(2);
        assertEquals(5, full.updates()[5], 0);
        assertEquals(40, mini.updates()[5], 0);
        assertEquals(1280, sgd.updates()[5], 0);
        assertTrue(mini.finalLoss() < full.finalLoss() && sgd.loss()[1] < full.loss()[1]);
        assertTrue(full.finalLoss() < full.loss()[0], "the full batch still descends");
        PngAssert.exactly(r.folder().resolve("batch-sizes.png"), 1860, 460);
    }

    @Test
    void xorNeedsANonLinearHiddenLayer() {
        XorDemos.Result r = parsed(new XorDemos()).run();
        assertTrue(r.get(XorDemos.Model.PERCEPTRON).accuracy() <= 0.75);
        assertTrue(r.get(XorDemos.Model.LINEAR_HIDDEN).accuracy() <= 0.75);
        assertEquals(1.0, r.get(XorDemos.Model.TANH_HIDDEN).accuracy());
        assertTrue(r.get(XorDemos.Model.TANH_HIDDEN).maxError() < 0.1, "outputs within 0.1 of the targets");
        assertTrue(r.collapseGap() < 1e-9, "(b) equals one linear layer: gap " + r.collapseGap());
        for (String m : new String[] {"perceptron", "linear-hidden", "tanh-hidden"}) {
            PngAssert.valid(r.folder().resolve("xor-" + m + ".png"), 500, 500);
        }
    }
}
