package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** TensorFlow Playground's noise: it blurs the circle's and XOR's boundary and leaves the points where they were. */
class ToyDatasetsTest {
    static int geometricMismatches(ToyDatasets.Points p) {
        int wrong = 0;
        for (int i = 0; i < p.size(); i++) {
            int geometric = Math.hypot(p.xy()[i][0], p.xy()[i][1]) < 0.5 ? 0 : 1;
            wrong += geometric != p.labels()[i] ? 1 : 0;
        }
        return wrong;
    }

    @Test
    void noiseFlipsCircleLabelsNearTheBoundaryAndMovesNoPoint() {
        ToyDatasets.Points clean = ToyDatasets.make(ToyDatasets.Kind.CIRCLE, 500, 0, 1, 2);
        ToyDatasets.Points noisy = ToyDatasets.make(ToyDatasets.Kind.CIRCLE, 500, 0.25, 1, 2);
        assertEquals(0, geometricMismatches(clean));
        int flipped = geometricMismatches(noisy);
        assertTrue(flipped > 5 && flipped < 125, flipped + " of 500 labels differ from the geometry at noise 25");
        for (double[] q : noisy.xy()) {
            double r = Math.hypot(q[0], q[1]);
            assertTrue(r <= 0.5 || (r >= 0.7 && r <= 1.0), "a point moved off its ring: r = " + r);
        }
    }

    @Test
    void theSpiralMovesByAFifthOfTheNoiseAtMost() {
        ToyDatasets.Points p = ToyDatasets.make(ToyDatasets.Kind.SPIRAL, 500, 0.5, 3, 2);
        for (double[] q : p.xy()) {
            assertTrue(Math.hypot(q[0], q[1]) <= 1 + Math.sqrt(2) * 0.1 + 1e-9, "inside the spiral's reach");
        }
    }
}
