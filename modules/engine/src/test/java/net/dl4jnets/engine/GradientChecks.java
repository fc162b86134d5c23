package net.dl4jnets.engine;

import java.util.HashSet;
import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.buffer.util.DataTypeUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * DL4J's numerical gradient check on a real architecture's configuration: the graph is switched to double precision,
 * without dropout and with a no-op updater (what GradientCheckUtil requires), and every parameter's backprop
 * gradient is compared with a central finite difference. Every parameter is checked (the graph variant ignores
 * {@code subset}), so callers build the architecture on a small input.
 */
public final class GradientChecks {
    private GradientChecks() {}

    public static boolean check(ComputationGraphConfiguration original, INDArray input, INDArray labels) {
        ComputationGraphConfiguration conf = original.clone();
        conf.setDataType(DataType.DOUBLE);
        for (var v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                lv.getLayerConf().setDataType(DataType.DOUBLE);
                var layer = lv.getLayerConf().getLayer();
                layer.setIDropout(null); // dropout makes the loss random: no finite difference can match it
                if (layer instanceof BaseLayer b) {
                    b.setIUpdater(new NoOp());
                    // A finite difference across ReLU's kink measures neither side's slope; softplus is ReLU made
                    // smooth, so the check still covers the graph's wiring, shapes and every backprop path.
                    if (b.getActivationFn() instanceof ActivationReLU) {
                        b.setActivationFn(new ActivationSoftPlus());
                    }
                } else if (layer instanceof AbstractSameDiffLayer custom) {
                    custom.setUpdater(new NoOp());
                    custom.setBiasUpdater(new NoOp());
                } else if (layer instanceof ActivationLayer a && a.getActivationFn() instanceof ActivationReLU) {
                    a.setActivationFn(new ActivationSoftPlus());
                }
            }
        }
        DataType before = DataTypeUtil.getDtypeFromContext();
        DataTypeUtil.setDTypeForContext(DataType.DOUBLE);
        try {
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            // Batchnorm's running mean and variance are statistics, not trained by gradients.
            Set<String> statistics = new HashSet<>();
            for (String p : graph.paramTable().keySet()) {
                if (p.endsWith("_mean") || p.endsWith("_var") || p.endsWith("_log10stdev")) {
                    statistics.add(p);
                }
            }
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph)
                    .inputs(new INDArray[] {input.castTo(DataType.DOUBLE)})
                    .labels(new INDArray[] {labels.castTo(DataType.DOUBLE)})
                    .excludeParams(statistics)
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        } finally {
            DataTypeUtil.setDTypeForContext(before);
        }
    }
}
