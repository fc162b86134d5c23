package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim that lets DL4J 1.0.0-M2.1 turn on its oneDNN layer helpers.
 *
 * <p>DL4J's {@code BaseMKLDNNHelper.mklDnnEnabled()} decides whether oneDNN is on by reflecting on
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}. nd4j-native M2.1 moved that class
 * to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method to
 * {@code isUseONEDNN()}. Without this class DL4J logs
 * {@code ERROR ... Cannot find class [org.nd4j.nativeblas.Nd4jCpu$Environment]} and every convolution, pooling and
 * batch-norm layer falls back to its slow built-in Java path (438 s against 64 s for one CNN epoch, see
 * BENCHMARKS.md). This class sits at the old name and forwards to the new one.
 *
 * <p>The forwarding is reflective so that the CUDA build, which has no CPU bindings, still compiles; there DL4J
 * never asks (it checks for the CPU backend first).
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    public static final class Environment {
        private static final String MOVED_TO = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        private static final Environment INSTANCE = new Environment();

        private final Object delegate;
        private final Method isUseOneDnn;
        private final Method setUseOneDnn;

        private Environment() {
            Object d = null;
            Method m = null;
            Method set = null;
            try {
                Class<?> moved = Class.forName(MOVED_TO);
                d = moved.getMethod("getInstance").invoke(null);
                m = moved.getMethod("isUseONEDNN");
                set = moved.getMethod("setUseONEDNN", boolean.class);
            } catch (ReflectiveOperationException | LinkageError e) {
                // Not the CPU backend: oneDNN is simply not there.
            }
            this.delegate = d;
            this.isUseOneDnn = m;
            this.setUseOneDnn = set;
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** The name DL4J M2.1 asks for. */
        public boolean isUseMKLDNN() {
            if (delegate == null) {
                return false;
            }
            try {
                return (boolean) isUseOneDnn.invoke(delegate);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }

        /**
         * Switches oneDNN for libnd4j's own ops (activations and their gradients, softmax, ...) as well as for DL4J's
         * layer helpers. A no-op off the CPU backend.
         */
        public void setUseMKLDNN(boolean use) {
            if (delegate == null) {
                return;
            }
            try {
                setUseOneDnn.invoke(delegate, use);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot switch oneDNN: " + e, e);
            }
        }
    }
}
