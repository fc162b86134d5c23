package net.dl4jnets.engine;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.LayerRuntime;

/**
 * DL4J's {@code ActivationLayer} with ReLU, each pass one Java vector walk from its input into a new array. DL4J's
 * layer copies its input before applying the activation in place, in both passes (it keeps the input for
 * back-propagation, and the activation's gradient overwrites its argument): four walks over the feature maps where
 * two do, the copies alone 4% of the modern CNN's training thread (JFR). Same configuration, JSON and results as the
 * layer it is made from; another activation, or arrays that are not float and contiguous, go to DL4J's own code.
 */
public class ReluLayer extends ActivationLayer implements Kernel {
    /** For JSON. */
    public ReluLayer() {}

    /** The layer {@code built} (by DL4J's builder) describes, with the Java passes. */
    public static ReluLayer of(ActivationLayer built) {
        return Configs.as(built, ReluLayer.class);
    }

    /**
     * Whether the layer's activation is plain ReLU, max(0, z): the door has made DL4J's {@code ActivationReLU} a
     * {@link VectorRelu} where it has no cap, threshold or leak.
     */
    static boolean supports(ActivationLayer layer) {
        return layer.getActivationFn() instanceof VectorRelu;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        return LayerRuntime.attach(new Runtime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }

    /** The running layer: DL4J's, but for the Java passes. */
    static final class Runtime extends org.deeplearning4j.nn.layers.ActivationLayer {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private boolean javaPath(INDArray x) {
            return Engine.active(x.dataType()) && supports(layerConf()) && FloatMath.isContiguous(x)
                    && x.length() <= Integer.MAX_VALUE / 4;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr ws) {
            assertInputSet(false);
            if (!javaPath(input)) {
                return super.activate(training, ws);
            }
            Engine.direct(ReluLayer.class);
            INDArray a = ws.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, input.shape(), 'c');
            FloatRelu.forward(input, a);
            return a;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            assertInputSet(true);
            if (!javaPath(input) || epsilon.dataType() != DataType.FLOAT || !FloatMath.isContiguous(epsilon)) {
                return super.backpropGradient(epsilon, ws);
            }
            Engine.direct(ReluLayer.class);
            INDArray dx = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
            FloatRelu.backward(input, epsilon, dx);
            return new Pair<>(new DefaultGradient(), dx);
        }
    }
}
