package net.dl4jnets.common.train;

import java.util.ArrayList;
import java.util.List;

import net.dl4jnets.common.report.Charts;

/** The curves of a run, redrawn after every epoch: loss.png and, for classifiers, accuracy.png. */
public final class RunCharts {
    private RunCharts() {}

    public static void draw(RunFolder run, String model, List<EpochRecord> history) {
        int n = history.size();
        double[] epochs = new double[n];
        double[] trainLoss = new double[n];
        double[] valLoss = new double[n];
        double[] trainAcc = new double[n];
        double[] valAcc = new double[n];
        for (int i = 0; i < n; i++) {
            EpochRecord r = history.get(i);
            epochs[i] = r.epoch();
            trainLoss[i] = r.trainLoss();
            valLoss[i] = r.valLoss();
            trainAcc[i] = r.trainAccuracy();
            valAcc[i] = r.valAccuracy();
        }
        Charts.lines(run.file("loss.png"), model + ": loss per epoch", "epoch", "cross-entropy loss",
                List.of(new Charts.Series("train (mean over the epoch's batches)", epochs, trainLoss),
                        new Charts.Series("validation", epochs, valLoss)), false);
        if (n > 0 && !Double.isNaN(valAcc[0])) {
            List<Charts.Series> acc = new ArrayList<>();
            if (!Double.isNaN(trainAcc[0])) {
                acc.add(new Charts.Series("train (sample, after the epoch)", epochs, trainAcc));
            }
            acc.add(new Charts.Series("validation", epochs, valAcc));
            Charts.lines(run.file("accuracy.png"), model + ": accuracy per epoch", "epoch", "accuracy", acc, false);
        }
    }
}
