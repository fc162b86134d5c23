package net.dl4jnets.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.report.PngAssert;

class PlaygroundTest {
    @TempDir
    Path out;

    Playground.Result run(String... args) {
        Playground p = new Playground();
        String[] all = Stream.concat(Stream.of("--out", out.toString()),
                Arrays.stream(args)).toArray(String[]::new);
        Cli.commandLine(p).parseArgs(all);
        return p.run();
    }

    @Test
    void theDocumentedSettingSolvesTheSpiral() {
        // The setting in Playground's javadoc and in the README.
        Playground.Result r = run("--dataset", "spiral", "--hidden", "8,8", "--features", "x,y,x2,y2,xy,sinx,siny",
                "--batch-size", "50", "--lr", "0.05", "--epochs", "150");
        assertTrue(r.testAccuracy() >= 0.95, "test accuracy " + r.testAccuracy());
        PngAssert.valid(r.folder().resolve("boundary.png"), 500, 500);
        PngAssert.valid(r.folder().resolve("loss.png"), 900, 560);
        assertTrue(Files.isRegularFile(r.folder().resolve("points.csv")));
    }

    @Test
    void aLinearModelCannotSolveTheCircleButSquaredFeaturesCan() {
        Playground.Result linear = run("--dataset", "circle", "--hidden", "0", "--epochs", "40");
        Playground.Result squares = run("--dataset", "circle", "--hidden", "0", "--features", "x2,y2", "--epochs", "40");
        assertTrue(linear.testAccuracy() < 0.75, "linear " + linear.testAccuracy());
        assertTrue(squares.testAccuracy() > 0.95, "x², y² " + squares.testAccuracy());
    }

    @Test
    void readsItsOwnCsvBackAndRejectsBadRows() throws Exception {
        Playground.Result first = run("--dataset", "gauss", "--epochs", "20");
        Path csv = out.resolve("mine.csv");
        Files.write(csv, Files.readAllLines(first.folder().resolve("points.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList());
        Playground.Result again = run("--data", csv.toString(), "--epochs", "20");
        assertTrue(again.testAccuracy() > 0.9, "gauss from CSV " + again.testAccuracy());

        Path bad = Files.writeString(out.resolve("bad.csv"), "x,y,label\n0.1,0.2,1\n0.3,oops,0\n");
        assertEquals(2, Cli.run(new Playground(), "--out", out.toString(), "--data", bad.toString()));
        assertEquals(2, Cli.run(new Playground(), "--out", out.toString(), "--noise", "3"));
    }
}
