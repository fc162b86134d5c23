package net.dl4jnets.engine;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * max(0, z), as DL4J's {@code Activation.RELU}, whose gradient is one Java vector pass over float arrays: libnd4j's
 * {@code relu_bp} calls a C++ {@code std::function} per element, 12% of the reference CNN's training step. The
 * forward pass is ND4J's own (already vectorised). Arrays that are not float, or whose elements do not lie one after
 * the other, go to ND4J's operations.
 */
public class VectorRelu extends BaseActivationFunction {
    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        Nd4j.getExecutioner().exec(new RectifiedLinear(in, in));
        return in;
    }

    /** dL/dz = dL/da where z > 0, else 0; written into {@code in}, as DL4J's activations may. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        if (Engine.active(in.dataType()) && packed(in) && packed(epsilon) && in.ordering() == epsilon.ordering()
                && in.length() <= Integer.MAX_VALUE / 4) {
            Engine.direct(VectorRelu.class);
            FloatRelu.backward(in, epsilon);
            return new Pair<>(in, null);
        }
        return new Pair<>(Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(in, epsilon, in.ulike()))[0], null);
    }

    /** Float, its elements one after the other from its offset, in its own order. */
    private static boolean packed(INDArray a) {
        return a.dataType() == DataType.FLOAT && (a.ordering() == 'c' || a.ordering() == 'f')
                && Shape.hasDefaultStridesForShape(a);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorRelu;
    }

    @Override
    public int hashCode() {
        return VectorRelu.class.hashCode();
    }

    @Override
    public String toString() {
        return "relu";
    }
}
