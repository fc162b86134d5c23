package net.dl4jnets.engine;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link GatePass} in {@code double[]}, one unit at a time: exact to double precision for double networks (the
 * gradient checks), and the fallback for float networks where {@link FloatGatePass} cannot run.
 */
final class DoubleGatePass implements GatePass<double[]> {
    private float[] floats = new float[0];

    @Override
    public double[] allocate(int length) {
        return new double[length];
    }

    @Override
    public int length(double[] a) {
        return a.length;
    }

    @Override
    public void zero(double[] a, int from, int to) {
        Arrays.fill(a, from, to, 0);
    }

    @Override
    public void read(INDArray a, int at, double[] into, int offset, int length) {
        GatePass.checkDense(a);
        if (a.dataType() == DataType.DOUBLE) {
            a.data().asNioDouble().get(at, into, offset, length);
        } else {
            floats = floats.length >= length ? floats : new float[length];
            a.data().asNioFloat().get(at, floats, 0, length);
            for (int i = 0; i < length; i++) {
                into[offset + i] = floats[i];
            }
        }
    }

    @Override
    public void write(INDArray a, int at, double[] from, int offset, int length) {
        GatePass.checkDense(a);
        if (a.dataType() == DataType.DOUBLE) {
            a.data().asNioDouble().put(at, from, offset, length);
        } else {
            floats = floats.length >= length ? floats : new float[length];
            for (int i = 0; i < length; i++) {
                floats[i] = (float) from[offset + i];
            }
            a.data().asNioFloat().put(at, floats, 0, length);
        }
    }

    @Override
    public void recurrent(double[] outputs, int o, double[] rw, double[] gates, int g, int rows, int hidden) {
        int wide = 4 * hidden;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < hidden; k++) {
                double h = outputs[o + r * hidden + k];
                for (int j = 0; j < wide; j++) {
                    gates[g + r * wide + j] += h * rw[k * wide + j];
                }
            }
        }
    }

    @Override
    public void forward(double[] gates, int g, double[] bias, double[] cells, double[] tanhCells, double[] outputs,
                        int previous, int next, double m, int hidden) {
        for (int j = 0; j < hidden; j++) {
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

    @Override
    public void backward(double[] gates, int g, double[] cells, double[] tanhCells, double[] epsilons, int k,
                         double[] recurrent, double[] cellGrad, int s, double[] gateGrads, int gr, double[] biasGrad,
                         boolean last, double m, int hidden) {
        for (int j = 0; j < hidden; j++) {
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
