package net.dl4jnets.attention;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.util.SameDiffUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J 1.0.0-M2.1 doubles every gradient that flows through a {@code SameDiffLayer}: SameDiff differentiates the
 * "external errors" function that feeds the layer its upstream gradient and then adds that gradient to itself
 * ({@code add [out-grad, out-grad]} in the gradient graph), so parameters and the input gradient come out twice too
 * large. Adam would hide a constant factor, but in a transformer the branches through these layers would count twice
 * against the residual paths, per layer, and clipping would bite early. This layer implementation divides the
 * upstream gradient by the factor, which it measures once on a one-multiplication SameDiff graph, so it stays right
 * if a later ND4J fixes the bug. The layers of this module instantiate it instead of DL4J's.
 */
final class ExactGradients extends SameDiffLayer {
    private static final Object MUTE = new Object(); // before FACTOR, whose measurement mutes
    private static int muted;
    private static PrintStream unmuted;

    /** How much SameDiff's external-errors backprop overstates gradients: 2 in ND4J 1.0.0-M2.1. */
    static final double FACTOR = measureFactor();

    ExactGradients(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** What {@code SameDiffLayer.instantiate} does, with this implementation. */
    static Layer instantiate(ParamInitializer params, NeuralNetConfiguration conf,
                             Collection<TrainingListener> listeners, int index, INDArray paramsView,
                             boolean initializeParams, DataType dataType) {
        ExactGradients ret = new ExactGradients(conf, dataType);
        ret.setIndex(index);
        ret.setParamsViewArray(paramsView);
        ret.setParamTable(params.init(conf, paramsView, initializeParams));
        ret.setConf(conf);
        ret.setListeners(listeners);
        return ret;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        // Every gradient is linear in the upstream one: scaling it once costs one operation, not one per parameter.
        INDArray upstream = FACTOR == 1 ? epsilon
                : workspaceMgr.dup(ArrayType.BP_WORKING_MEM, epsilon).divi(FACTOR);
        return sameDiff == null || !sameDiff.hasGradientFunction()
                ? quietly(() -> super.backpropGradient(upstream, workspaceMgr))
                : super.backpropGradient(upstream, workspaceMgr);
    }

    /**
     * Runs work with System.out muted: SameDiff prints a line per operation as it builds a gradient graph. Replicas
     * (--workers) build theirs at once, so the first to start mutes and the last to finish restores.
     */
    static <T> T quietly(Supplier<T> work) {
        synchronized (MUTE) {
            if (muted++ == 0) {
                unmuted = System.out;
                System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            }
        }
        try {
            return work.get();
        } finally {
            synchronized (MUTE) {
                if (--muted == 0) {
                    System.setOut(unmuted);
                }
            }
        }
    }

    /** d(x·w)/dw for x = 1, w = 1 and an upstream gradient of 1, through SameDiff's external errors: truly 1. */
    private static double measureFactor() {
        return quietly(ExactGradients::probe);
    }

    private static double probe() {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, 1);
            SDVariable w = sd.var("w", Nd4j.ones(DataType.DOUBLE, 1, 1));
            var fn = SameDiffUtils.externalErrors(sd, null, x.mul(w));
            sd.createGradFunction("x");
            Map<String, INDArray> placeholders = new HashMap<>();
            placeholders.put("x", Nd4j.ones(DataType.DOUBLE, 1, 1));
            placeholders.put(fn.getGradPlaceholderName(), Nd4j.ones(DataType.DOUBLE, 1, 1));
            double factor = sd.calculateGradients(placeholders, List.of("w")).get("w").getDouble(0);
            if (factor != 1 && factor != 2) {
                throw new IllegalStateException("SameDiff's gradient through external errors is " + factor
                        + " times the true one; expected 1 or 2");
            }
            return factor;
        }
    }
}
