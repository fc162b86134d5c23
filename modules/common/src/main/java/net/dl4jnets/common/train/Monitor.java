package net.dl4jnets.common.train;

/** What the trainer watches for early stopping and for the best model. */
public enum Monitor {
    VAL_LOSS, VAL_ACCURACY;

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
