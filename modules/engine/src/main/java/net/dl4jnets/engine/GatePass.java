package net.dl4jnets.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * The element-wise work of one LSTM step for one example, and the Java arrays ({@code A}: {@code double[]} or
 * {@code float[]}) that {@link LstmSequence} keeps its values in. Gate pre-activations lie in DL4J's order as four
 * contiguous blocks of {@code hidden} (block input a, forget f, output o, input gate i), so each pass reads contiguous
 * memory.
 *
 * <p>Two kinds: {@link FloatGatePass}, in {@code float[]}, vectorised with the JDK's Vector API, for float networks
 * when the JVM has {@code jdk.incubator.vector} ({@code nets} and the tests pass it) and the hidden size is a multiple
 * of the vector length; otherwise {@link DoubleGatePass}, in {@code double[]}, scalar, exact to double precision (what
 * the gradient checks need), float values converted on the way in and out.
 */
interface GatePass<A> {
    /** Whether the JVM has the Vector API ({@code --add-modules jdk.incubator.vector}). */
    boolean VECTOR_API = VectorApi.PRESENT;

    /** The pass for a layer of {@code hidden} units computing in {@code type}. */
    static GatePass<?> of(DataType type, int hidden) {
        // VECTOR_API first: without the module, FloatGatePass must not even be initialised.
        return type == DataType.FLOAT && VECTOR_API && FloatGatePass.usable(hidden) ? new FloatGatePass()
                : new DoubleGatePass();
    }

    A allocate(int length);

    int length(A a);

    void zero(A a, int from, int to);

    /** Copies {@code length} values of a fresh, contiguous 'c' array, from element {@code at}, to {@code into}. */
    void read(INDArray a, int at, A into, int offset, int length);

    /** Copies {@code length} values to a fresh, contiguous 'c' array, from element {@code at}. */
    void write(INDArray a, int at, A from, int offset, int length);

    /**
     * Forward: adds the bias to the gates at {@code g} and activates them in place; the cell before the step is at
     * {@code cells[previous]}, after it (times the mask {@code m}) at {@code cells[next]}, its tanh at
     * {@code tanhCells[previous]}, the output at {@code outputs[next]}.
     */
    void forward(A gates, int g, A bias, A cells, A tanhCells, A outputs, int previous, int next, double m, int hidden);

    /**
     * Backward: from dL/dh of the step ({@code epsilons[k]} plus {@code recurrent[s]} from the next step, unless
     * {@code last}) and dL/dc from the next step ({@code cellGrad[s]}, replaced by this step's), the gate gradients
     * at {@code gateGrads[gr]}, also added to {@code biasGrad}; {@code k} indexes the step's cells and outputs, as
     * {@code previous} does forward.
     */
    void backward(A gates, int g, A cells, A tanhCells, A epsilons, int k, A recurrent, A cellGrad, int s,
                  A gateGrads, int gr, A biasGrad, boolean last, double m, int hidden);

    /**
     * The recurrent product of a few rows, in place of ND4J's per step: {@code gates[g + r·4h + j] += Σ_k
     * outputs[o + r·h + k] · rw[k·4h + j]} for each of {@code rows} rows, h = {@code hidden}; rw is the layer's
     * [h, 4h] recurrent weights in row order.
     */
    void recurrent(A outputs, int o, A rw, A gates, int g, int rows, int hidden);

    /** Checks what {@link #read} and {@link #write} assume: the fast engine on, a fresh 'c' array. */
    static void checkDense(INDArray a) {
        Engine.requireActive(GatePass.class);
        if (a.ordering() != 'c' || a.offset() != 0 || a.data().offset() != 0 || a.isView()) {
            throw new IllegalStateException("LstmSequence reads only fresh 'c' arrays, got " + a.shapeInfoToString());
        }
    }

    /** A state or bias array as a fresh 'c'-order copy of {@code type}, for {@link #read}. */
    static INDArray dense(INDArray a, DataType type) {
        return a.castTo(type).dup('c');
    }
}
