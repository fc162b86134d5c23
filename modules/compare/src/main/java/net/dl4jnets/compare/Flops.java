package net.dl4jnets.compare;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;

import net.dl4jnets.layers.Linear;
import net.dl4jnets.layers.MultiHeadAttention;
import net.dl4jnets.layers.PatchEmbedding;

/**
 * Floating-point operations of a network, counting the matrix products only (a multiply-add is 2 FLOPs): dense and
 * output layers, convolutions, recurrent cells, and the suite's own token layers (linear projections, patch
 * embeddings, multi-head attention's projections, scores and mixing). Everything else (activations, pooling,
 * batchnorm, layer norm, softmax, the optimizer) is memory-bound and small beside them. Training costs three forward
 * passes per example for a layer in the middle (the forward product, and backward the input's and the weights'
 * gradients) and two for a layer that reads the network's input, whose gradient nothing needs: the least a framework
 * must compute, so the floor it gives is one no framework can beat at the machine's GEMM rate.
 */
public final class Flops {
    private Flops() {}

    /** Forward FLOPs for one example of the given input type. */
    public static long forwardPerExample(ComputationGraphConfiguration conf, InputType... inputs) {
        return count(conf, false, inputs);
    }

    /**
     * Training FLOPs for one example: forward plus backward, three forward passes for each layer but those that read
     * the network's input, two for them.
     */
    public static long trainingPerExample(ComputationGraphConfiguration conf, InputType... inputs) {
        return count(conf, true, inputs);
    }

    private static long count(ComputationGraphConfiguration conf, boolean training, InputType... inputs) {
        Map<String, InputType> outputs = conf.getLayerActivationTypes(inputs);
        long total = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv) {
                List<String> in = conf.getVertexInputs().get(e.getKey());
                InputType inputType = in == null || in.isEmpty() ? null : typeOf(in.get(0), outputs, conf, inputs);
                long forward = layer(lv.getLayerConf().getLayer(), inputType, outputs.get(e.getKey()));
                boolean readsInput = in != null && !in.isEmpty() && conf.getNetworkInputs().contains(in.get(0));
                total += training ? (readsInput ? 2 : 3) * forward : forward;
            }
        }
        return total;
    }

    private static InputType typeOf(String vertex, Map<String, InputType> outputs, ComputationGraphConfiguration conf,
                                    InputType[] inputs) {
        int i = conf.getNetworkInputs().indexOf(vertex);
        return i >= 0 ? inputs[i] : outputs.get(vertex);
    }

    static long layer(Layer layer, InputType in, InputType out) {
        if (layer instanceof MultiHeadAttention a) {
            long c = a.getNIn();
            long t = a.getTokens();
            return 4 * 2L * c * c * t + 2 * 2L * t * t * c; // q, k, v and out projections; q·kᵀ and weights·v
        }
        if (layer instanceof PatchEmbedding p && in instanceof InputType.InputTypeConvolutional c) {
            long window = p.getPatch() + 2L * p.getOverlap();
            long tokens = (c.getHeight() / p.getPatch()) * (c.getWidth() / p.getPatch());
            return 2L * window * window * c.getChannels() * p.getNOut() * tokens;
        }
        if (layer instanceof Linear l) {
            return 2L * l.getNIn() * l.getNOut() * l.getTokens();
        }
        if (layer instanceof Bidirectional b) {
            return 2 * layer(b.getFwd(), in, out);
        }
        if (layer instanceof ConvolutionLayer c && out instanceof InputType.InputTypeConvolutional o) {
            int[] k = c.getKernelSize();
            return 2L * k[0] * k[1] * c.getNIn() * c.getNOut() * o.getHeight() * o.getWidth();
        }
        if (layer instanceof LSTM l) {
            return 2L * 4 * (l.getNIn() + l.getNOut()) * l.getNOut() * steps(in);
        }
        if (layer instanceof SimpleRnn r) {
            return 2L * (r.getNIn() + r.getNOut()) * r.getNOut() * steps(in);
        }
        if (layer instanceof RnnOutputLayer o) {
            return 2L * o.getNIn() * o.getNOut() * steps(in);
        }
        if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
            // DL4J reports a global pooling's output as recurrent, though what the layer sees is one vector
            var ff = (FeedForwardLayer) layer;
            return 2L * ff.getNIn() * ff.getNOut();
        }
        return 0;
    }

    /** Time steps of a recurrent input: a recurrent layer or an RnnOutputLayer applies its weights at each. */
    private static long steps(InputType in) {
        if (in instanceof InputType.InputTypeRecurrent r) {
            if (r.getTimeSeriesLength() <= 0) {
                throw new IllegalArgumentException("FLOPs of a recurrent layer need the sequence length in its InputType");
            }
            return r.getTimeSeriesLength();
        }
        return 1;
    }
}
