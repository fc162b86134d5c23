package net.dl4jnets.common.train;

import java.util.Locale;

/**
 * The validation score that picks the epoch a run keeps (model.zip, the one then tested) and that early stopping
 * watches. The loss rewards confident answers as well as right ones; a classifier that grows over-confident late in
 * a run can still gain accuracy while its loss rises, and accuracy is what it is judged by.
 */
public enum Monitor {
    VAL_LOSS("lowest validation loss"), VAL_ACCURACY("highest validation accuracy");

    private final String description;

    Monitor(String description) {
        this.description = description;
    }

    /** "lowest validation loss", "highest validation accuracy". */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    boolean better(double candidate, double best) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        return Double.isNaN(best) || (this == VAL_LOSS ? candidate < best : candidate > best);
    }

    double of(EpochRecord r) {
        return this == VAL_LOSS ? r.valLoss() : r.valAccuracy();
    }
}
