package net.dl4jnets.engine;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * One training step of a chain of dense layers, as {@code ComputationGraph.fit(DataSet)} takes it, without DL4J's
 * per-call machinery: {@code fit} costs about a millisecond whatever the network's size (some forty ND4J operations,
 * each a native call with its shape descriptors, workspaces and op context, plus the updater's views). A small
 * network (the web playground's: a few dozen neurons, batches of 1 to 30) steps in plain Java loops over the flat
 * arrays, read and written once each; a larger one (ReLU layers into softmax, week 2's MLPs) through ND4J's products
 * and the engine's vector passes into arrays kept from step to step, with DL4J's own {@link Dropout} objects called in
 * fit's order (the same draws from ND4J's random stream) and its L2 applied before the updater.
 *
 * <p>DL4J's semantics are kept: the parameters, gradient view (holding the update afterwards, as DL4J's updater leaves
 * it), updater state, score (with the L2 penalty), and iteration counts equal {@code fit}'s to float rounding, step by
 * step (a test compares them). It applies only where nothing else happens inside {@code fit}: float, dense layers
 * with tanh, ReLU, sigmoid or identity activations into a softmax/cross-entropy or identity/squared-error output, one
 * updater block of SGD or Adam, no weight noise, constraints, gradient normalisation, masks, preprocessors or
 * listeners; dropout and L2 on the product path only. Anything else, and the first step (which builds the updater),
 * is DL4J's own {@code fit}.
 */
final class DirectStep {
    /** Products larger than this (batch × weights, summed over layers) go to ND4J's GEMM, which is faster there. */
    static final long MAX_MULTIPLY_ADDS = 1 << 16;

    enum Act { TANH, RELU, SIGMOID, IDENTITY }

    private final int layers;
    private final int[] nIn;
    private final int[] nOut;
    private final Act[] act;
    private final int[] offset; // of each layer's W in the flat parameters; its b follows
    private final boolean softmax; // softmax + MCXENT output, else identity + MSE
    private final IUpdater updater;
    /** Each layer's dropout on its input (null: none) and regularisation of its weights (L2 only). */
    private final IDropout[] dropout;
    private final List<List<Regularization>> regularization;
    /** Whether any layer has dropout or L2: then only the product path, which calls them, takes a step. */
    private final boolean extras;
    private final long weights;
    /**
     * Whether a batch too large for the Java loops can step through ND4J's products and the engine's vector passes
     * instead: ReLU hidden layers into softmax and cross-entropy, the MLPs of week 2.
     */
    private final boolean byProducts;
    /** Each layer's runtime, and its parameter views (W 'f' order [nIn, nOut], b [1, nOut]) in DL4J's flat array. */
    private final org.deeplearning4j.nn.api.Layer[] runtimes;
    private final INDArray[] w, b;
    /** The same for the gradients, whose flat array DL4J's first {@code fit} makes: made at the first step here. */
    private INDArray[] gw, gb;

    private DirectStep(List<BaseLayer> confs, List<org.deeplearning4j.nn.api.Layer> runtimes,
                       int[] offset, boolean softmax, IUpdater updater) {
        this.layers = confs.size();
        this.nIn = new int[layers];
        this.nOut = new int[layers];
        this.act = new Act[layers];
        this.offset = offset;
        this.softmax = softmax;
        this.updater = updater;
        this.dropout = new IDropout[layers];
        this.regularization = new ArrayList<>();
        boolean any = false;
        for (int l = 0; l < layers; l++) {
            dropout[l] = confs.get(l).getIDropout();
            List<Regularization> r = confs.get(l).getRegularization() == null ? List.of()
                    : List.copyOf(confs.get(l).getRegularization());
            regularization.add(r);
            any |= dropout[l] != null || !r.isEmpty();
        }
        this.extras = any;
        long total = 0;
        for (int l = 0; l < layers; l++) {
            var c = (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) confs.get(l);
            nIn[l] = (int) c.getNIn();
            nOut[l] = (int) c.getNOut();
            act[l] = l == layers - 1 ? Act.IDENTITY : activation(c.getActivationFn());
            total += (long) nIn[l] * nOut[l];
        }
        this.weights = total;
        boolean relu = softmax;
        for (int l = 0; l < layers - 1; l++) {
            relu &= act[l] == Act.RELU;
        }
        this.byProducts = relu;
        this.runtimes = runtimes.toArray(new org.deeplearning4j.nn.api.Layer[0]);
        this.w = new INDArray[layers];
        this.b = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = this.runtimes[l].getParam("W");
            b[l] = this.runtimes[l].getParam("b");
        }
    }

    /**
     * The step for this graph, or null where DL4J's {@code fit} must run (see the class comment). It keeps the graph's
     * layers and parameter views, never the graph itself, so a cache may hold it weakly by the graph.
     */
    static DirectStep of(ComputationGraph graph) {
        if (!Engine.active(graph.params().dataType())) {
            return null;
        }
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1
                || conf.getBackpropType() != org.deeplearning4j.nn.conf.BackpropType.Standard) {
            return null;
        }
        List<BaseLayer> confs = new ArrayList<>();
        List<org.deeplearning4j.nn.api.Layer> runtimes = new ArrayList<>();
        String previous = conf.getNetworkInputs().get(0);
        GraphVertex[] vertices = graph.getVertices();
        for (int i : graph.topologicalSortOrder()) {
            GraphVertex v = vertices[i];
            if (v.isInputVertex()) {
                continue;
            }
            List<String> inputs = conf.getVertexInputs().get(v.getVertexName());
            if (!v.hasLayer() || inputs.size() != 1 || !inputs.get(0).equals(previous)
                    || !(conf.getVertices().get(v.getVertexName()) instanceof LayerVertex lv)
                    || lv.getPreProcessor() != null || !(v.getLayer().conf().getLayer() instanceof BaseLayer b)
                    || !plain(b)) {
                return null;
            }
            confs.add(b);
            runtimes.add(v.getLayer());
            previous = v.getVertexName();
        }
        if (confs.isEmpty() || !previous.equals(conf.getNetworkOutputs().get(0))) {
            return null;
        }
        for (int l = 0; l < confs.size() - 1; l++) {
            if (!(confs.get(l) instanceof org.deeplearning4j.nn.conf.layers.DenseLayer d)
                    || activation(d.getActivationFn()) == null || d.hasLayerNorm()) {
                return null;
            }
        }
        if (!(confs.get(confs.size() - 1) instanceof OutputLayer out)) {
            return null;
        }
        boolean softmax;
        if (out.getActivationFn() instanceof ActivationSoftmax && out.getLossFn() instanceof LossMCXENT x
                && x.getWeights() == null) {
            softmax = true;
        } else if (out.getActivationFn() instanceof ActivationIdentity && out.getLossFn() instanceof LossMSE m
                && m.getWeights() == null) {
            softmax = false;
        } else {
            return null;
        }
        IUpdater updater = confs.get(0).getIUpdater();
        if (!(updater instanceof Adam || updater instanceof Sgd)) {
            return null;
        }
        for (BaseLayer b : confs) {
            if (!updater.equals(b.getIUpdater()) || !updater.equals(b.getBiasUpdater() == null ? updater : b.getBiasUpdater())) {
                return null;
            }
        }
        // the flat layout DL4J gives the parameters: layer after layer, each W ('f' order, [nIn, nOut]) then b
        INDArray flat = graph.params();
        int[] offset = new int[confs.size()];
        int at = 0;
        for (int l = 0; l < confs.size(); l++) {
            var c = (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) confs.get(l);
            INDArray w = runtimes.get(l).getParam("W");
            INDArray b = runtimes.get(l).getParam("b");
            if (w == null || b == null || w.ordering() != 'f' || w.rows() != c.getNIn() || w.columns() != c.getNOut()
                    || w.offset() - flat.offset() != at || b.offset() - flat.offset() != at + w.length()
                    || runtimes.get(l).numParams() != w.length() + b.length()) {
                return null;
            }
            offset[l] = at;
            at += (int) (w.length() + b.length());
        }
        if (at != flat.length()) {
            return null;
        }
        return new DirectStep(confs, runtimes, offset, softmax, updater);
    }

    /**
     * Nothing in {@code fit} beyond the products, activations, loss and updater, but DL4J's own {@link Dropout} on the
     * layer's input and L2 on its weights, which the step calls as {@code fit} does.
     */
    private static boolean plain(BaseLayer b) {
        return (b.getIDropout() == null || b.getIDropout().getClass() == Dropout.class) && b.getWeightNoise() == null
                && (b.getRegularization() == null || b.getRegularization().stream()
                        .allMatch(r -> r.getClass() == L2Regularization.class))
                && (b.getRegularizationBias() == null || b.getRegularizationBias().isEmpty())
                && (b.getConstraints() == null || b.getConstraints().isEmpty())
                && (b.getGradientNormalization() == null || b.getGradientNormalization() == GradientNormalization.None);
    }

    private static Act activation(IActivation a) {
        if (a instanceof ActivationTanH) {
            return Act.TANH;
        }
        if (a instanceof VectorRelu) { // the door's plain ReLU: a capped or leaky one stays DL4J's, and fit
            return Act.RELU;
        }
        if (a instanceof ActivationSigmoid) {
            return Act.SIGMOID;
        }
        return a instanceof ActivationIdentity ? Act.IDENTITY : null;
    }

    /**
     * Whether this step can take {@code ds} now: the graph built its updater and gradient view (DL4J's first
     * {@code fit} does), has no listeners, and the batch is a plain float matrix small enough.
     */
    boolean takes(ComputationGraph graph, DataSet ds) {
        INDArray x = ds.getFeatures();
        INDArray y = ds.getLabels();
        ComputationGraphUpdater u = graph.getUpdater(false);
        return u != null && u.getUpdaterBlocks().size() == 1 && graph.getFlattenedGradients() != null
                && (graph.getListeners() == null || graph.getListeners().isEmpty())
                && ds.getFeaturesMaskArray() == null && ds.getLabelsMaskArray() == null
                && x != null && y != null && x.rank() == 2 && y.rank() == 2 && x.size(1) == nIn[0]
                && y.size(1) == nOut[layers - 1] && x.size(0) == y.size(0) && x.size(0) > 0
                && (inJava(x.size(0)) || byProducts);
    }

    /** Whether a batch of {@code rows} steps in the Java loops: small, and nothing to call out to. */
    private boolean inJava(long rows) {
        return !extras && rows * weights <= MAX_MULTIPLY_ADDS;
    }

    /** One step, as {@code graph.fit(ds)}: the caller checked {@link #takes}. */
    void fit(ComputationGraph graph, DataSet ds) {
        Engine.direct(DirectStep.class);
        if (inJava(ds.getFeatures().size(0))) {
            fitInJava(graph, ds);
        } else {
            fitByProducts(graph, ds);
        }
    }

    /** The step of a small network: every product a Java loop, every array read and written once. */
    private void fitInJava(ComputationGraph graph, DataSet ds) {
        int batch = (int) ds.getFeatures().size(0);
        float[] p = FloatMath.read(graph.params());
        float[][] a = new float[layers + 1][]; // a[0] the input, a[l + 1] layer l's activation
        float[][] z = new float[layers][];
        a[0] = FloatMath.read(FloatMath.contiguous(ds.getFeatures().castTo(DataType.FLOAT)));
        float[] y = FloatMath.read(FloatMath.contiguous(ds.getLabels().castTo(DataType.FLOAT)));
        for (int l = 0; l < layers; l++) {
            z[l] = affine(a[l], p, l, batch);
            a[l + 1] = activate(z[l], act[l]);
        }
        // the output's loss and its gradient with respect to the pre-activation, per example
        int k = nOut[layers - 1];
        float[] delta = z[layers - 1].clone();
        double loss = 0;
        if (softmax) {
            loss = SoftmaxOutput.crossEntropy(delta, y, batch, k);
        } else { // as LossMSE: Σ (out − y)² / k, gradient 2 (out − y) / k
            for (int i = 0; i < delta.length; i++) {
                float d = delta[i] - y[i];
                loss += (double) d * d / k;
                delta[i] = 2 * d / k;
            }
        }
        // back-propagation, each layer's gradient summed over the batch, then divided by it as DL4J's updater does
        float[] g = new float[p.length];
        for (int l = layers - 1; l >= 0; l--) {
            int in = nIn[l];
            int o = nOut[l];
            int w = offset[l];
            int bias = w + in * o;
            float[] x = a[l];
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < o; j++) {
                    float d = delta[r * o + j];
                    g[bias + j] += d;
                    int col = w + j * in;
                    for (int i = 0; i < in; i++) {
                        g[col + i] += x[r * in + i] * d;
                    }
                }
            }
            if (l > 0) {
                float[] back = new float[batch * in];
                for (int r = 0; r < batch; r++) {
                    for (int i = 0; i < in; i++) {
                        float s = 0;
                        for (int j = 0; j < o; j++) {
                            s += delta[r * o + j] * p[w + j * in + i];
                        }
                        back[r * in + i] = s;
                    }
                }
                delta = derivative(back, z[l - 1], a[l], act[l - 1]);
            }
        }
        for (int i = 0; i < g.length; i++) {
            g[i] /= batch;
        }
        int iteration = graph.getIterationCount();
        int epoch = graph.getEpochCount();
        graph.setScore(loss / batch);
        INDArray state = graph.getUpdater(false).getStateViewArray();
        double lr = updater.getLearningRate(iteration, epoch);
        if (updater instanceof Adam adam) {
            float[] s = FloatMath.read(state);
            adam(g, s, p.length, lr, adam, iteration);
            FloatMath.write(state, s);
        } else {
            float rate = (float) lr;
            for (int i = 0; i < g.length; i++) {
                g[i] *= rate;
            }
        }
        for (int i = 0; i < p.length; i++) {
            p[i] -= g[i];
        }
        FloatMath.write(graph.params(), p);
        FloatMath.write(graph.getFlattenedGradients(), g); // the update, as DL4J's updater leaves it
        countStep(graph, epoch);
    }

    /** Arrays for the last batch size: each layer's pre-activation (then its δ), activation, input gradient. */
    private int buffered = -1;
    private INDArray[] pre, post, back;
    private INDArray droppedInput; // the network's input after the first layer's dropout

    /**
     * The step of a larger network, as {@link SinglePassDense} and {@link SoftmaxOutput} compute it inside
     * {@code fit} (products into 'c'-order arrays, the bias and ReLU in one vector pass, ReLU's gradient and the bias
     * sums in another, the softmax and loss in Java) and as DL4J's updater ends it (the gradient divided by the batch,
     * Adam's vector pass or SGD's product, the parameters less the update), into arrays kept from step to step.
     */
    private void fitByProducts(ComputationGraph graph, DataSet ds) {
        int batch = (int) ds.getFeatures().size(0);
        if (gw == null) {
            gw = new INDArray[layers];
            gb = new INDArray[layers];
            for (int l = 0; l < layers; l++) {
                var grads = org.deeplearning4j.nn.params.DefaultParamInitializer.getInstance()
                        .getGradientsFromFlattened(runtimes[l].conf(), runtimes[l].getGradientsViewArray());
                gw[l] = grads.get("W");
                gb[l] = grads.get("b");
            }
        }
        if (buffered != batch) {
            pre = new INDArray[layers];
            post = new INDArray[layers];
            back = new INDArray[layers];
            try (var outside = org.nd4j.linalg.factory.Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                for (int l = 0; l < layers; l++) {
                    pre[l] = org.nd4j.linalg.factory.Nd4j.createUninitializedDetached(DataType.FLOAT, batch, nOut[l]);
                    post[l] = org.nd4j.linalg.factory.Nd4j.createUninitializedDetached(DataType.FLOAT, batch, nOut[l]);
                    back[l] = org.nd4j.linalg.factory.Nd4j.createUninitializedDetached(DataType.FLOAT, batch, nIn[l]);
                }
                droppedInput = org.nd4j.linalg.factory.Nd4j.createUninitializedDetached(DataType.FLOAT, batch, nIn[0]);
            }
            buffered = batch;
        }
        int iteration = graph.getIterationCount();
        int epoch = graph.getEpochCount();
        double penalty = extras ? graph.calcRegularizationScore(true) : 0; // of the parameters before the step
        INDArray x = FloatMath.contiguous(ds.getFeatures().castTo(DataType.FLOAT));
        INDArray[] read = new INDArray[layers]; // what each layer read, after its dropout
        INDArray in = x;
        for (int l = 0; l < layers; l++) {
            if (dropout[l] != null) { // DL4J's own, in fit's order: the same draws from ND4J's random stream
                in = dropout[l].applyDropout(in, l == 0 ? droppedInput : in, iteration, epoch,
                        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            }
            read[l] = in;
            if (l == layers - 1) {
                break;
            }
            org.nd4j.linalg.factory.Nd4j.gemm(in, w[l], post[l], false, false, 1.0, 0.0);
            FloatRelu.biasForward(post[l], b[l], pre[l]); // ReLU(x·W + b), the pre-activation kept
            in = post[l];
        }
        int last = layers - 1;
        int k = nOut[last];
        org.nd4j.linalg.factory.Nd4j.gemm(in, w[last], pre[last], false, false, 1.0, 0.0);
        float[] z = FloatMath.read(pre[last]);
        float[] bias = FloatMath.read(b[last]);
        for (int i = 0; i < z.length; i++) {
            z[i] += bias[i % k];
        }
        float[] y = FloatMath.read(FloatMath.contiguous(ds.getLabels().castTo(DataType.FLOAT)));
        double loss = SoftmaxOutput.crossEntropy(z, y, batch, k);
        float[] biasGrad = new float[k];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < k; j++) {
                biasGrad[j] += z[r * k + j];
            }
        }
        FloatMath.write(pre[last], z); // δ of the output layer
        FloatMath.write(gb[last], biasGrad);
        for (int l = last; l >= 0; l--) {
            INDArray delta = pre[l];
            INDArray input = read[l];
            // dWᵀ = δᵀ·x into the transposed ('c'-order) view of the gradient, as SinglePassDense
            org.nd4j.linalg.factory.Nd4j.gemm(delta, input, gw[l].transpose(), true, false, 1.0, 0.0);
            if (l > 0) {
                org.nd4j.linalg.factory.Nd4j.gemm(delta, w[l], back[l], false, true, 1.0, 0.0);
                if (dropout[l] != null) {
                    dropout[l].backprop(back[l], back[l], iteration, epoch);
                }
                FloatMath.write(gb[l - 1], FloatRelu.backwardColumnSums(pre[l - 1], back[l])); // pre[l − 1] now δ
            }
        }
        INDArray g = graph.getFlattenedGradients();
        g.divi(batch); // as DL4J's updater: the summed gradients to means
        graph.setScore(loss / batch + penalty);
        double lr = updater.getLearningRate(iteration, epoch);
        for (int l = 0; l < layers; l++) { // L2, before the updater, as DL4J's updater block applies it
            for (Regularization r : regularization.get(l)) {
                r.apply(w[l], gw[l], lr, iteration, epoch);
            }
        }
        if (updater instanceof Adam adam) {
            INDArray state = graph.getUpdater(false).getStateViewArray();
            INDArray flat = state.reshape(state.length());
            long n = flat.length() / 2;
            INDArray gradient = g.reshape(g.length());
            INDArray m = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n));
            INDArray v = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(n, 2 * n));
            if (FloatAdam.usable(gradient, m, v)) {
                FloatAdam.step(gradient, m, v, lr, adam.getBeta1(), adam.getBeta2(), adam.getEpsilon(), iteration);
            } else {
                org.nd4j.linalg.factory.Nd4j.exec(new org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater(gradient, v,
                        m, lr, adam.getBeta1(), adam.getBeta2(), adam.getEpsilon(), iteration));
            }
        } else {
            g.muli(lr);
        }
        INDArray params = graph.params();
        params.subi(g.reshape(params.shape()));
        countStep(graph, epoch);
    }

    /** The iteration counted, in the graph and its layers, as {@code fit} counts it. */
    private static void countStep(ComputationGraph graph, int epoch) {
        BaseOptimizer.incrementIterationCount(graph, 1);
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) { // as fit's synchronizeIterEpochCounts
            layer.setIterationCount(graph.getIterationCount());
            layer.setEpochCount(epoch);
        }
    }

    /** libnd4j's Adam step (as {@link FloatAdam}): state {@code s} is m then v; {@code g} becomes the update. */
    private static void adam(float[] g, float[] s, int n, double lr, Adam c, int iteration) {
        float b1 = (float) c.getBeta1();
        float b2 = (float) c.getBeta2();
        float eps = (float) c.getEpsilon();
        float rate = FloatAdam.rate(lr, b1, b2, eps, iteration);
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float m = b1 * s[i] + gi * (1 - b1);
            float v = b2 * s[n + i] + gi * gi * (1 - b2);
            s[i] = m;
            s[n + i] = v;
            g[i] = m * rate / ((float) Math.sqrt(v) + eps);
        }
    }

    /** x·W + b for layer {@code l}: W in 'f' order at its offset in the flat parameters, b after it. */
    private float[] affine(float[] x, float[] p, int l, int batch) {
        int in = nIn[l];
        int o = nOut[l];
        int w = offset[l];
        int bias = w + in * o;
        float[] z = new float[batch * o];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < o; j++) {
                float s = 0;
                int col = w + j * in;
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * p[col + i];
                }
                z[r * o + j] = s + p[bias + j];
            }
        }
        return z;
    }

    private static float[] activate(float[] z, Act act) {
        float[] a = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            a[i] = switch (act) {
                case TANH -> (float) Math.tanh(z[i]);
                case RELU -> Math.max(0f, z[i]);
                case SIGMOID -> (float) (1 / (1 + Math.exp(-z[i])));
                case IDENTITY -> z[i];
            };
        }
        return a;
    }

    /** The pre-activation's gradient from the activation's, {@code e}, as DL4J's activations' backprop computes it. */
    private static float[] derivative(float[] e, float[] z, float[] a, Act act) {
        for (int i = 0; i < e.length; i++) {
            e[i] = switch (act) {
                case TANH -> e[i] * (1 - a[i] * a[i]);
                case RELU -> z[i] > 0 ? e[i] : 0;
                case SIGMOID -> e[i] * a[i] * (1 - a[i]);
                case IDENTITY -> e[i];
            };
        }
        return e;
    }
}
