package net.dl4jnets.common.train;

import java.util.Locale;

/** One row of metrics.csv: what one epoch did. Accuracies are NaN for models that are not classifiers. */
public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                          double seconds, double examplesPerSecond, double learningRate) {
    public static final String CSV_HEADER =
            "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,examples_per_second,learning_rate";

    public String csv() {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.1f,%.6g", epoch, trainLoss, trainAccuracy,
                valLoss, valAccuracy, seconds, examplesPerSecond, learningRate);
    }

    public static EpochRecord parse(String line) {
        String[] f = line.split(",");
        return new EpochRecord(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]));
    }

    public String summary() {
        String acc = Double.isNaN(valAccuracy) ? ""
                : String.format(Locale.ROOT, " | train acc %.4f | val acc %.4f", trainAccuracy, valAccuracy);
        return String.format(Locale.ROOT, "epoch %d | train loss %.4f | val loss %.4f%s | %.1f s (%,.0f ex/s)",
                epoch, trainLoss, valLoss, acc, seconds, examplesPerSecond);
    }
}
