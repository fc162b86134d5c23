package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

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
}
