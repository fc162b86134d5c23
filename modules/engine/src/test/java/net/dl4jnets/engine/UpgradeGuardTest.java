package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

/**
 * What a DL4J upgrade must not change unseen: {@code org.nd4j.nativeblas.Nd4jCpu} stands in ND4J's package for a
 * class nd4j-native 1.0.0-M2.1 moved. This test names the class that changed; docs/upgrading-dl4j.md says what to
 * re-check. (The engine's kernels cross to and from DL4J's classes through DL4J's JSON: the engine's ConfigsTest.)
 */
class UpgradeGuardTest {
    @Test
    void theOneDnnShimStillFindsTheClassItForwardsTo() throws Exception {
        String moved = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        Class<?> c = Class.forName(moved, false, getClass().getClassLoader());
        assertNotNull(c.getMethod("isUseONEDNN"), moved + ".isUseONEDNN: org.nd4j.nativeblas.Nd4jCpu forwards to it");
        assertNotNull(c.getMethod("setUseONEDNN", boolean.class), moved + ".setUseONEDNN");
    }
}
