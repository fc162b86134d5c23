package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Benchmark;
import picocli.CommandLine;

class SpeedBenchTest {
    @Test
    void cnnsBuildForChannelsLastInputsWithTheSameArithmetic() {
        Backend.start(1, Backend.Workload.CONV);
        InputType nhwc = InputType.convolutional(28, 28, 1, CNN2DFormat.NHWC);
        for (String id : new String[] {"cnn2", "cnn2-bn", "modern"}) {
            Benchmark m = SpeedBench.find(id);
            var conf = SpeedBench.graph(m, 1, CNN2DFormat.NHWC);
            ComputationGraph g = new ComputationGraph(conf);
            g.init();
            assertArrayEquals(new long[] {3, 10},
                    g.outputSingle(false, Nd4j.rand(DataType.FLOAT, 3, 28, 28, 1)).shape(), m.id());
            // The layout changes where numbers sit in memory, not how many multiply-adds there are.
            assertEquals(Flops.forwardPerExample(m.graph(1), Layout.CONV.inputType()),
                    Flops.forwardPerExample(conf, nhwc), m.id());
        }
    }

    @Test
    void everyBenchmarkModelIsRegisteredOnceAndListedWithItsThreads() {
        var ids = Benchmark.registered().stream().map(Benchmark::id).toList();
        assertEquals(List.of("mlp", "cnn2", "cnn2-bn", "modern", "char-lstm", "lstm", "gpt", "transformer"), ids);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            assertEquals(0, Cli.run(new SpeedBench(), "--list", "--json"));
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = out.toString().lines().toList();
        assertEquals(ids.size(), lines.size(), out.toString());
        assertTrue(lines.get(0).contains("\"id\":\"mlp\"") && lines.get(0).contains("\"threads\":1"), lines.get(0));
        assertEquals(2, Cli.run(new SpeedBench(), "--model", "resnet-9000"));
    }

    @Test
    void channelsLastIsRefusedForModelsWithoutImages() {
        SpeedBench bench = new SpeedBench();
        new CommandLine(bench).parseArgs("--model", "lstm", "--format", "NHWC");
        UserError e = assertThrows(UserError.class, bench::measure);
        assertTrue(e.getMessage().contains("--format NHWC"), e.getMessage());
    }
}
