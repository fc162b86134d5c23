package net.dl4jnets.common.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.nativeblas.Nd4jCpu;

class OneDnnHelperTest {
    @Test
    void convolutionAndPoolingRunOnOneDnnOnCpu() {
        Backend.BackendInfo info = Backend.start(1, Backend.Workload.CONV);
        assertTrue(info.oneDnn(), info.line());
        assertTrue(info.line().startsWith("Backend: CPU"), info.line());
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("pool", new SubsamplingLayer.Builder(2, 2).stride(2, 2).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        long[] shape = graph.outputSingle(Nd4j.rand(2, 1, 8, 8)).shape();
        assertArrayEquals(new long[] {2, 3}, shape);
        var conv = (org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) graph.getLayer("conv");
        var pool = (org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer) graph.getLayer("pool");
        assertInstanceOf(MKLDNNConvHelper.class, conv.getHelper());
        assertInstanceOf(MKLDNNSubsamplingHelper.class, pool.getHelper());
    }

    @Test
    void theRecurrentWorkloadSwitchesOneDnnOffAndTheNextConvWorkloadBackOn() {
        assertFalse(Backend.start(1, Backend.Workload.RECURRENT).oneDnn());
        assertFalse(Nd4jCpu.Environment.getInstance().isUseMKLDNN());
        assertTrue(Backend.start(1, Backend.Workload.CONV).oneDnn());
        assertTrue(Nd4jCpu.Environment.getInstance().isUseMKLDNN());
    }
}
