package net.dl4jnets.common.eval;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The one evaluator: runs a graph over a data set in inference mode and returns its mean loss and, for
 * classifiers (labels [batch, classes]), the confusion matrix from which every other metric follows.
 */
public final class Evaluator {
    private Evaluator() {}

    /** What evaluation saw. {@code confusion} is null for models whose labels are not [batch, classes]. */
    public record Result(double loss, Confusion confusion, long examples) {
        public double accuracy() {
            return confusion == null ? Double.NaN : confusion.accuracy();
        }
    }

    /** Evaluates over the whole iterator (from its start) and leaves it reset. */
    public static Result evaluate(ComputationGraph graph, DataSetIterator data, int classes) {
        data.reset();
        double lossSum = 0;
        long examples = 0;
        Confusion confusion = null;
        while (data.hasNext()) {
            DataSet ds = data.next();
            int n = ds.numExamples();
            INDArray labels = ds.getLabels();
            INDArray out = graph.outputSingle(false, ds.getFeatures());
            lossSum += graph.score(ds, false) * n;
            examples += n;
            if (labels.rank() == 2 && classes > 0) {
                if (confusion == null) {
                    confusion = new Confusion(classes);
                }
                int[] truth = labels.argMax(1).toIntVector();
                int[] predicted = out.argMax(1).toIntVector();
                for (int i = 0; i < n; i++) {
                    confusion.add(truth[i], predicted[i]);
                }
            }
        }
        data.reset();
        return new Result(examples == 0 ? Double.NaN : lossSum / examples, confusion, examples);
    }
}
