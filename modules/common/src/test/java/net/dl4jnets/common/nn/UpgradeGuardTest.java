package net.dl4jnets.common.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * What a DL4J upgrade must not change unseen. {@link LayerConfigs#copy} copies a layer's fields by reflection between
 * DL4J's class and the fast engine's subclass (and back, for every saved file): a field added, removed or renamed
 * would be lost silently. And {@code org.nd4j.nativeblas.Nd4jCpu} stands in ND4J's package for a class nd4j-native
 * 1.0.0-M2.1 moved. This test names the class that changed; docs/upgrading-dl4j.md says what to re-check.
 */
class UpgradeGuardTest {
    /** The instance fields of each copied class and its superclasses, as DL4J 1.0.0-M2.1 declares them. */
    private static final Map<Class<?>, String> COPIED = new LinkedHashMap<>();

    static {
        String layer = "BaseLayer: activationFn biasInit biasUpdater gainInit gradientNormalization "
                + "gradientNormalizationThreshold iUpdater regularization regularizationBias weightInitFn weightNoise\n"
                + "Layer: constraints iDropout layerName";
        String feedForward = "FeedForwardLayer: nIn nOut timeDistributedFormat\n" + layer;
        COPIED.put(DenseLayer.class, "DenseLayer: hasBias hasLayerNorm\n" + feedForward);
        COPIED.put(OutputLayer.class, "OutputLayer: \nBaseOutputLayer: hasBias lossFn\n" + feedForward);
        COPIED.put(ConvolutionLayer.class, "ConvolutionLayer: cnn2dDataFormat convolutionMode cudnnAlgoMode "
                + "cudnnAllowFallback cudnnBwdDataAlgo cudnnBwdFilterAlgo cudnnFwdAlgo defaultValueOverriden dilation "
                + "hasBias kernelSize padding stride\n" + feedForward);
        COPIED.put(BatchNormalization.class, "BatchNormalization: beta cnn2DFormat cudnnAllowFallback decay eps gamma "
                + "isMinibatch lockGammaBeta useLogStd\n" + feedForward);
        COPIED.put(LSTM.class, "LSTM: forgetGateBiasInit gateActivationFn\n"
                + "AbstractLSTM: forgetGateBiasInit gateActivationFn helperAllowFallback\n"
                + "BaseRecurrentLayer: rnnDataFormat weightInitFnRecurrent\n" + feedForward);
        COPIED.put(Adam.class, "Adam: beta1 beta2 epsilon learningRate learningRateSchedule");
    }

    @Test
    void theFieldsLayerConfigsCopiesAreTheOnesItWasWrittenFor() {
        for (Map.Entry<Class<?>, String> e : COPIED.entrySet()) {
            assertEquals(e.getValue(), fields(e.getKey()), e.getKey().getName() + " has other fields than in DL4J "
                    + "1.0.0-M2.1: check what LayerConfigs.copy copies into the fast engine's subclass and back "
                    + "(docs/upgrading-dl4j.md)");
        }
    }

    @Test
    void theOneDnnShimStillFindsTheClassItForwardsTo() throws Exception {
        String moved = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        Class<?> c = Class.forName(moved, false, getClass().getClassLoader());
        assertNotNull(c.getMethod("isUseONEDNN"), moved + ".isUseONEDNN: org.nd4j.nativeblas.Nd4jCpu forwards to it");
        assertNotNull(c.getMethod("setUseONEDNN", boolean.class), moved + ".setUseONEDNN");
    }

    static String fields(Class<?> type) {
        List<String> lines = new ArrayList<>();
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            List<String> names = new ArrayList<>();
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    names.add(f.getName());
                }
            }
            names.sort(null);
            lines.add(c.getSimpleName() + ": " + String.join(" ", names));
        }
        return String.join("\n", lines);
    }
}
