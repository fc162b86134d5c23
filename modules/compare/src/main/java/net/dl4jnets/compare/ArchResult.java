package net.dl4jnets.compare;

import java.util.List;

import net.dl4jnets.common.train.EpochRecord;

/**
 * One row of the comparison. A failed architecture keeps its id and the error, with NaN for what it never measured.
 *
 * @param epochs        epochs trained, fractional when a time budget ended one part-way
 * @param trainSeconds  time in the training loop, without evaluation
 * @param valAccuracy   at the best epoch (lowest validation loss), the model that is then tested
 * @param imagesPerSecondBatch1   inference, one image per forward pass
 * @param imagesPerSecondBatch256 inference, 256 images per forward pass
 * @param networkMb     DL4J's estimate of the network's training memory at the batch size (parameters, updater
 *                      state, activations, gradients): the off-heap arrays this architecture needs
 * @param peakHeapMb    JVM heap in use, measured
 * @param peakResidentMb the process's resident memory, measured (cumulative over the architectures of one run)
 */
record ArchResult(String id, String summary, String status, String error, double testAccuracy, double valAccuracy,
                  long parameters, double trainSeconds, double epochs, int bestEpoch, double imagesPerSecondBatch1,
                  double imagesPerSecondBatch256, double networkMb, double peakHeapMb, double peakResidentMb, int threads,
                  List<EpochRecord> history, long[][] confusion, String runDir) {
    static final String OK = "ok";
    static final String FAILED = "failed";

    static ArchResult failed(String id, String summary, Throwable error, List<EpochRecord> history, String runDir) {
        String message = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": "
                + error.getMessage().replace('\n', ' ').replace('|', '/'));
        return new ArchResult(id, summary, FAILED, message, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, -1,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, history, null, runDir);
    }

    boolean ok() {
        return OK.equals(status);
    }

    double secondsPerEpoch() {
        return epochs > 0 ? trainSeconds / epochs : Double.NaN;
    }
}
