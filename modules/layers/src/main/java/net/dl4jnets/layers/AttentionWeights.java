package net.dl4jnets.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a trained transformer's attention goes, for pictures of it: every {@link MultiHeadAttention} layer's weights
 * for one input, found in any graph by the layer's class (not by vertex names), and the attention rollout of all of
 * them together (Abnar and Zuidema, 2020).
 */
public final class AttentionWeights {
    private AttentionWeights() {}

    /** One attention layer's weights for the input: {@code [batch, heads, T queries, T keys]}, rows summing to 1. */
    public record Layer(String name, int heads, INDArray weights) {
        /** Sample {@code i}'s weights averaged over the heads: {@code [T queries, T keys]}. */
        public INDArray meanOverHeads(int i) {
            return weights.slice(i).mean(0);
        }
    }

    /** Every attention layer of the graph, first to last, for these inputs (inference: no dropout). */
    public static List<Layer> of(ComputationGraph graph, INDArray... inputs) {
        return of(graph, graph.feedForward(inputs, false), inputs);
    }

    /** The same from activations {@code graph.feedForward(inputs, false)} has already given. */
    public static List<Layer> of(ComputationGraph graph, Map<String, INDArray> acts, INDArray... inputs) {
        List<Layer> out = new ArrayList<>();
        for (int i : graph.topologicalSortOrder()) {
            GraphVertex v = graph.getVertices()[i];
            if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof MultiHeadAttention a) {
                String input = graph.getConfiguration().getVertexInputs().get(v.getVertexName()).get(0);
                INDArray x = acts.containsKey(input) ? acts.get(input) : inputs[graph.getConfiguration()
                        .getNetworkInputs().indexOf(input)];
                out.add(new Layer(v.getVertexName(), a.getHeads(), a.weights(x, v.getLayer().paramTable())));
            }
        }
        return out;
    }

    /**
     * The rollout for sample {@code i}: attention followed through the residual paths, each layer's weights (averaged
     * over heads) mixed half and half with the identity and multiplied from the first layer to the last:
     * {@code [T queries, T keys]}, rows summing to 1.
     */
    public static INDArray rollout(List<Layer> layers, int i) {
        INDArray rollout = null;
        for (Layer l : layers) {
            INDArray a = l.meanOverHeads(i);
            INDArray mixed = a.mul(0.5).addi(Nd4j.eye(a.size(0)).castTo(a.dataType()).muli(0.5));
            rollout = rollout == null ? mixed : mixed.mmul(rollout);
        }
        return rollout;
    }

    /**
     * For an image of {@code height × width} pixels that the graph reads as tokens, each pixel's token: its patch,
     * read row by row, if a {@link PatchEmbedding} cut the image; else its row (the image read row by row).
     */
    public static int[] tokenOfPixel(ComputationGraph graph, int height, int width) {
        int patch = 0;
        for (GraphVertex v : graph.getVertices()) {
            if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof PatchEmbedding p) {
                patch = p.getPatch();
            }
        }
        int[] token = new int[height * width];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                token[r * width + c] = patch == 0 ? r : (r / patch) * (width / patch) + c / patch;
            }
        }
        return token;
    }

    /** Attention each token receives ({@code [T]}) spread over its pixels and scaled to the largest: 0 to 1. */
    public static float[] overPixels(INDArray perToken, int[] tokenOfPixel) {
        double max = Math.max(1e-12, perToken.maxNumber().doubleValue());
        float[] heat = new float[tokenOfPixel.length];
        for (int p = 0; p < heat.length; p++) {
            heat[p] = (float) (perToken.getDouble(tokenOfPixel[p]) / max);
        }
        return heat;
    }
}
