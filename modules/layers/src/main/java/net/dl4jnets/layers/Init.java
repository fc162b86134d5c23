package net.dl4jnets.layers;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** GPT-2's initialisation: weights from a normal distribution of standard deviation 0.02, biases zero. */
final class Init {
    private Init() {}

    static void normal(INDArray param, double std) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            param.assign(Nd4j.randn(param.dataType(), param.shape()).muli(std));
        }
    }
}
