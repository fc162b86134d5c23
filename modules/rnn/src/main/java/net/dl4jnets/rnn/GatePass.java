package net.dl4jnets.rnn;

/**
 * The element-wise work of one LSTM step for one example: gate activations and the cell update forward, their
 * gradients backward, over the {@code hidden} units starting at unit {@code from}. Gate pre-activations lie in DL4J's
 * order as four contiguous blocks of {@code hidden} (block input a, forget f, output o, input gate i), so each pass
 * reads contiguous memory. {@link #get()} is the vectorised pass when the JVM has the Vector API
 * ({@code --add-modules jdk.incubator.vector}, which {@code nets} passes), else this scalar one.
 */
class GatePass {
    private static final GatePass BEST = choose();

    static GatePass get() {
        return BEST;
    }

    static GatePass scalar() {
        return new GatePass();
    }

    private static GatePass choose() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (GatePass) Class.forName("net.dl4jnets.rnn.VectorGatePass").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new GatePass();
            }
        }
        return new GatePass();
    }

    /** Whether this is the vectorised pass. */
    boolean vectorised() {
        return false;
    }

    /**
     * Forward: adds the bias to the gates at {@code g} and activates them in place; the cell before the step is at
     * {@code cells[previous]}, after it (times the mask {@code m}) at {@code cells[next]}, its tanh at
     * {@code tanhCells[previous]}, the output at {@code outputs[next]}.
     */
    void forward(double[] gates, int g, double[] bias, double[] cells, double[] tanhCells, double[] outputs,
                 int previous, int next, double m, int hidden, int from) {
        for (int j = from; j < hidden; j++) {
            double a = tanh(gates[g + j] + bias[j]);
            double f = sigmoid(gates[g + hidden + j] + bias[hidden + j]);
            double o = sigmoid(gates[g + 2 * hidden + j] + bias[2 * hidden + j]);
            double i = sigmoid(gates[g + 3 * hidden + j] + bias[3 * hidden + j]);
            gates[g + j] = a;
            gates[g + hidden + j] = f;
            gates[g + 2 * hidden + j] = o;
            gates[g + 3 * hidden + j] = i;
            double c = f * cells[previous + j] + i * a, tc = tanh(c);
            tanhCells[previous + j] = tc;
            cells[next + j] = m * c;
            outputs[next + j] = m * o * tc;
        }
    }

    /**
     * Backward: from dL/dh of the step ({@code epsilons[k]} plus {@code recurrent[s]} from the next step, unless
     * {@code last}) and dL/dc from the next step ({@code cellGrad[s]}, replaced by this step's), the gate gradients
     * at {@code gateGrads[gr]}, also added to {@code biasGrad}; {@code k} indexes the step's cells and outputs, as
     * {@code previous} does forward.
     */
    void backward(double[] gates, int g, double[] cells, double[] tanhCells, double[] epsilons, int k,
                  double[] recurrent, double[] cellGrad, int s, double[] gateGrads, int gr, double[] biasGrad,
                  boolean last, double m, int hidden, int from) {
        for (int j = from; j < hidden; j++) {
            double a = gates[g + j], f = gates[g + hidden + j], o = gates[g + 2 * hidden + j],
                    i = gates[g + 3 * hidden + j], tc = tanhCells[k + j];
            double dh = m * (epsilons[k + j] + (last ? 0 : recurrent[s + j]));
            double dc = m * cellGrad[s + j] + dh * o * (1 - tc * tc);
            cellGrad[s + j] = dc * f;
            double da = dc * i * (1 - a * a), df = dc * cells[k + j] * f * (1 - f), dout = dh * tc * o * (1 - o),
                    di = dc * a * i * (1 - i);
            gateGrads[gr + j] = da;
            gateGrads[gr + hidden + j] = df;
            gateGrads[gr + 2 * hidden + j] = dout;
            gateGrads[gr + 3 * hidden + j] = di;
            biasGrad[j] += da;
            biasGrad[hidden + j] += df;
            biasGrad[2 * hidden + j] += dout;
            biasGrad[3 * hidden + j] += di;
        }
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** tanh through exp, which the JIT compiles to a fast intrinsic (Math.tanh is 3x slower here). */
    static double tanh(double x) {
        return 1 - 2 / (Math.exp(2 * x) + 1);
    }
}
