package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.Layout;
import picocli.CommandLine;

class SpeedBenchTest {
    @Test
    void cnnsBuildForChannelsLastInputsWithTheSameArithmetic() {
        Backend.start(1, Backend.Workload.CONV);
        InputType nhwc = InputType.convolutional(28, 28, 1, CNN2DFormat.NHWC);
        for (SpeedBench.Model m : new SpeedBench.Model[] {SpeedBench.Model.CNN2, SpeedBench.Model.CNN2_BN,
                SpeedBench.Model.MODERN}) {
            var conf = SpeedBench.graph(m, 1, CNN2DFormat.NHWC);
            ComputationGraph g = new ComputationGraph(conf);
            g.init();
            assertArrayEquals(new long[] {3, 10},
                    g.outputSingle(false, Nd4j.rand(DataType.FLOAT, 3, 28, 28, 1)).shape(), m.id());
            // The layout changes where numbers sit in memory, not how many multiply-adds there are.
            assertEquals(Flops.forwardPerExample(SpeedBench.graph(m, 1), Layout.CONV.inputType()),
                    Flops.forwardPerExample(conf, nhwc), m.id());
        }
    }

    @Test
    void channelsLastIsRefusedForModelsWithoutImages() {
        SpeedBench bench = new SpeedBench();
        new CommandLine(bench).parseArgs("--model", "lstm", "--format", "NHWC");
        UserError e = assertThrows(UserError.class, bench::measure);
        assertTrue(e.getMessage().contains("--format NHWC"), e.getMessage());
    }
}
