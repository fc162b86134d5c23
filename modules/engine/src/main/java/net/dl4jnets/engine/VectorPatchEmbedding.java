package net.dl4jnets.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.PatchEmbedding;

/**
 * The suite's {@link PatchEmbedding}, the same configuration, parameters and maths, with one image's patches
 * projected in Java ({@link SmallProjection}) where ND4J's product and bias addition cost more in calls than in
 * arithmetic; a training batch's product stays ND4J's GEMM.
 */
public class VectorPatchEmbedding extends PatchEmbedding implements Kernel {
    /** For JSON. */
    public VectorPatchEmbedding() {}

    /** The layer {@code built} describes, computed by the engine's passes. */
    public static VectorPatchEmbedding of(PatchEmbedding built) {
        return Configs.as(built, VectorPatchEmbedding.class);
    }

    @Override
    protected INDArray project(INDArray rows, INDArray w, INDArray b) {
        return SmallProjection.usable(rows, w) ? SmallProjection.project(rows, w, b) : super.project(rows, w, b);
    }
}
