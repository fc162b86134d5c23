package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FloatMathTest {
    @Test
    void expIsWithinTwoUlpsOfMathExp() {
        var species = FloatMath.S;
        float[] x = new float[species.length()];
        float[] y = new float[x.length];
        double worst = 0;
        int points = 100_000; // evenly over [-87, 88]
        for (int n = 0; n < points; n += x.length) {
            for (int i = 0; i < x.length; i++) {
                x[i] = -87f + 175f * (n + i) / points;
            }
            FloatMath.exp(FloatVector.fromArray(species, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                double exact = Math.exp(x[i]);
                worst = Math.max(worst, Math.abs(y[i] - exact) / Math.ulp((float) exact));
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
        // Clamped, not infinite or zero, outside float's range: the gates saturate, never NaN.
        FloatMath.exp(FloatVector.broadcast(species, 1000f)).intoArray(y, 0);
        assertTrue(Float.isFinite(y[0]) && y[0] > 1e38f, "exp(1000) = " + y[0]);
        FloatMath.exp(FloatVector.broadcast(species, -1000f)).intoArray(y, 0);
        assertTrue(y[0] > 0 && y[0] < 1e-37f, "exp(-1000) = " + y[0]);
    }

    @Test
    void sigmoidMatchesItsDefinition() {
        float[] x = new float[FloatMath.S.length()];
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = -20f + 40f * i / x.length;
        }
        FloatMath.sigmoid(FloatVector.fromArray(FloatMath.S, x, 0)).intoArray(y, 0);
        for (int i = 0; i < x.length; i++) {
            double exact = 1 / (1 + Math.exp(-x[i]));
            assertTrue(Math.abs(y[i] - exact) <= 1e-6 * exact, "sigmoid(" + x[i] + ") = " + y[i]);
        }
    }

    @Test
    void aParameterRowViewIsReadWhereItLiesAndAnythingElseIsCopied() {
        INDArray flat = Nd4j.arange(0, 40).castTo(DataType.FLOAT).reshape(1, 40);
        // as DL4J views a bias in its flat parameters: [1, 8] at offset 16, strides [8, 1]
        INDArray bias = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(16, 24)).reshape('c', 1, 8);
        assertSame(bias, FloatMath.rowOrder(bias), "a row view is read in place, not copied");
        assertArrayEquals(new float[] {16, 17, 18, 19, 20, 21, 22, 23}, FloatMath.read(FloatMath.rowOrder(bias)));
        assertFalse(FloatMath.isContiguous(bias), "it does not start its buffer");
        INDArray m = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 24)).reshape('c', 4, 6);
        INDArray column = m.get(NDArrayIndex.all(), NDArrayIndex.point(2)).reshape(4, 1);
        INDArray transposed = m.transpose();
        for (INDArray scattered : new INDArray[] {column, transposed,
                m.get(NDArrayIndex.interval(0, 2), NDArrayIndex.interval(0, 3))}) {
            INDArray copy = FloatMath.rowOrder(scattered);
            assertTrue(copy != scattered, "a strided view is copied");
            assertArrayEquals(scattered.dup('c').data().asFloat(), FloatMath.read(copy));
        }
        assertTrue(FloatMath.isContiguous(Nd4j.create(DataType.FLOAT, 1, 1, 64)));
    }
}
