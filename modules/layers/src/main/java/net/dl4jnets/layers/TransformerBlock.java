package net.dl4jnets.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;

/**
 * One pre-norm transformer block, added to a graph so that a reader sees its parts as vertices:
 * <pre>
 *   x ─ LayerNorm ─ attention ─ dropout ─ (+) ─ LayerNorm ─ Linear+GELU ─ Linear ─ dropout ─ (+) ─ out
 *   └─────────────────────────────────────┘ └──────────────────────────────────────────────┘
 * </pre>
 * The two additions ({@link ElementWiseVertex}) are the residual paths that let gradients reach early blocks. The
 * projections that feed them start smaller (0.02/√(2·layers), as in GPT-2), so the residual sum does not grow with
 * depth.
 *
 * @param width    channels of every token
 * @param tokens   tokens in the sequence
 * @param mlpRatio the MLP's hidden width, as a multiple of the width
 * @param layers   blocks in the whole network (for the residual projections' initial scale)
 */
public record TransformerBlock(long width, int tokens, int heads, double mlpRatio, boolean causal, double dropout,
                               int layers) {
    /** Adds the block named {@code name} on top of {@code input}; returns the name of its output. */
    public String addTo(GraphBuilder g, String name, String input) {
        double residualStd = 0.02 / Math.sqrt(2.0 * layers);
        long hidden = Math.round(width * mlpRatio);
        g.addLayer(name + "_ln1", new LayerNorm(width, tokens), input);
        g.addLayer(name + "_attention", new MultiHeadAttention(width, tokens, heads, causal, residualStd),
                name + "_ln1");
        String attended = dropout(g, name + "_attention", name + "_attention_dropout");
        g.addVertex(name + "_add1", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, attended);
        g.addLayer(name + "_ln2", new LayerNorm(width, tokens), name + "_add1");
        g.addLayer(name + "_mlp1", new Linear(width, hidden, tokens, true, true, 0.02), name + "_ln2");
        g.addLayer(name + "_mlp2", new Linear(hidden, width, tokens, false, true, residualStd), name + "_mlp1");
        String mlp = dropout(g, name + "_mlp2", name + "_mlp_dropout");
        g.addVertex(name + "_add2", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_add1", mlp);
        return name + "_add2";
    }

    private String dropout(GraphBuilder g, String input, String name) {
        if (dropout <= 0) {
            return input;
        }
        g.addLayer(name, new DropoutLayer.Builder(1 - dropout).build(), input); // DL4J takes the keep probability
        return name;
    }
}
