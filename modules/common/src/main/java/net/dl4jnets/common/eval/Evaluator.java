package net.dl4jnets.common.eval;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

import net.dl4jnets.common.data.CharBatches;

/**
 * The one evaluator: runs a graph over a data set in inference mode and returns its mean loss and, for
 * classifiers (labels [batch, classes]), the confusion matrix from which every other metric follows.
 *
 * <p>For a softmax classifier the loss is the cross-entropy computed from the same forward pass as the predictions
 * (one pass per batch, not two); it is the data loss only, without any L1/L2 penalty. Other models fall back to
 * DL4J's own score, which costs a second pass.
 */
public final class Evaluator {
    private Evaluator() {}

    /** DL4J clips probabilities at this before taking the log (LossMCXENT's default); so do we. */
    private static final double CLIP = 1e-10;

    /** What evaluation saw. {@code confusion} is null for models whose labels are not [batch, classes]. */
    public record Result(double loss, Confusion confusion, long examples) {
        public double accuracy() {
            return confusion == null ? Double.NaN : confusion.accuracy();
        }
    }

    /** Two views' results from one pass: the first view alone, and the mean of the two views' probabilities. */
    public record TwoViews(Result first, Result mean) {}

    /**
     * Evaluates over the whole iterator (from its start) and leaves it reset. The loss is per example, or per time
     * step for sequence outputs (nats per character for a language model). {@linkplain CharBatches#streams Streams}
     * of text are read with {@code rnnTimeStep}: a recurrent graph's state carries from each batch to the next, from a
     * fresh state at the start, and the graph is left with none. A sequence batch's labels mask, where it has one,
     * says which time steps are scored ({@linkplain CharBatches#sliding sliding windows}).
     */
    public static Result evaluate(ComputationGraph graph, DataSetIterator data, int classes) {
        boolean softmaxCrossEntropy = isSoftmaxCrossEntropy(graph);
        boolean streams = data instanceof CharBatches text && text.continuous();
        if (streams && !softmaxCrossEntropy) {
            throw new IllegalArgumentException("streams of text are scored from a softmax output only");
        }
        Tally tally = new Tally(classes);
        data.reset();
        if (streams) {
            graph.rnnClearPreviousState();
        }
        try {
            while (data.hasNext()) {
                DataSet ds = data.next();
                INDArray out = streams ? graph.rnnTimeStep(ds.getFeatures())[0]
                        : graph.outputSingle(false, ds.getFeatures());
                tally.add(graph, ds, out, softmaxCrossEntropy);
            }
        } finally {
            if (streams) {
                graph.rnnClearPreviousState();
            }
            data.reset();
        }
        return tally.result();
    }

    /**
     * Test-time augmentation, in one pass: {@code data} and {@code second} hold the same examples in the same order
     * as two views (for example each image and its mirror). Returns the first view's result and that of the mean of
     * both views' softmax outputs, whose loss is the cross-entropy of that mean.
     */
    public static TwoViews evaluate(ComputationGraph graph, DataSetIterator data, DataSetIterator second,
                                    int classes) {
        if (!isSoftmaxCrossEntropy(graph)) {
            throw new IllegalArgumentException("test-time augmentation needs a softmax classifier");
        }
        Tally first = new Tally(classes);
        Tally mean = new Tally(classes);
        data.reset();
        second.reset();
        while (data.hasNext()) {
            DataSet ds = data.next();
            DataSet other = second.next();
            if (other.numExamples() != ds.numExamples() || !other.getLabels().equals(ds.getLabels())) {
                throw new IllegalArgumentException("the second view must hold the same examples in the same order");
            }
            INDArray out = graph.outputSingle(false, ds.getFeatures());
            first.add(graph, ds, out, true);
            mean.add(graph, ds, out.add(graph.outputSingle(false, other.getFeatures())).muli(0.5), true);
        }
        data.reset();
        second.reset();
        return new TwoViews(first.result(), mean.result());
    }

    /** Running loss and confusion matrix over batches. */
    private static final class Tally {
        private final int classes;
        private double lossSum;
        private double lossCount; // examples, or labelled time steps for sequence outputs
        private long examples;
        private Confusion confusion;

        Tally(int classes) {
            this.classes = classes;
        }

        void add(ComputationGraph graph, DataSet ds, INDArray out, boolean softmaxCrossEntropy) {
            int n = ds.numExamples();
            INDArray labels = ds.getLabels();
            boolean classifier = labels.rank() == 2 && classes > 0;
            // a sequence batch's labels mask [batch, steps] says which time steps are scored (a sliding window's new
            // characters); the loss is per scored step
            INDArray scored = labels.rank() == 3 ? ds.getLabelsMaskArray() : null;
            long steps = scored != null ? Math.round(scored.sumNumber().doubleValue())
                    : labels.rank() == 3 ? n * labels.size(2) : n;
            if (softmaxCrossEntropy && (scored != null || ds.getLabelsMaskArray() == null)) {
                // Labels are one-hot, so this is -log p(true class) of each example (and time step).
                INDArray logp = Transforms.log(Transforms.max(out, CLIP, true), false).muli(labels);
                lossSum -= (scored == null ? logp : logp.sum(1).muli(scored)).sumNumber().doubleValue();
            } else {
                lossSum += graph.score(ds, false) * n; // DL4J: summed over (scored) time steps, averaged over the batch
            }
            lossCount += steps;
            examples += n;
            if (classifier) {
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

        Result result() {
            return new Result(lossCount == 0 ? Double.NaN : lossSum / lossCount, confusion, examples);
        }
    }

    static boolean isSoftmaxCrossEntropy(ComputationGraph graph) {
        if (graph.getNumOutputArrays() != 1) {
            return false;
        }
        var conf = graph.getOutputLayer(0).conf().getLayer();
        // an output layer, or a loss layer over the logits (the GPT's): both output the softmax probabilities
        IActivation activation = conf instanceof BaseOutputLayer out ? out.getActivationFn()
                : conf instanceof RnnLossLayer loss ? loss.getActivationFn() : null;
        ILossFunction lossFn = conf instanceof BaseOutputLayer out ? out.getLossFn()
                : conf instanceof RnnLossLayer loss ? loss.getLossFn() : null;
        return activation instanceof ActivationSoftmax
                && lossFn instanceof LossMCXENT xent // also LossNegativeLogLikelihood, its subclass
                && xent.getWeights() == null;
    }
}
